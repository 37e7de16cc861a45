"""Test support: fresh migrated databases per backend, signed tokens, servers on free ports."""
