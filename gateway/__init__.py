"""The gateway: identity store, token issuing, role policy, reverse proxy, merged OpenAPI."""
