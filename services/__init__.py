"""The four business services; each imports only ``shared`` and itself."""
