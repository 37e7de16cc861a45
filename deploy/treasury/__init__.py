"""The treasury sandbox: a small, independent app that plays the treasury centralized payment
system (国库集中支付) for finance in development, tests and compose. See README.md here."""
