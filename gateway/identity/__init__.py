"""Users, service clients, refresh tokens and revocation."""
