"""Infrastructure shared by the gateway and every service: no business rules, no service models."""
