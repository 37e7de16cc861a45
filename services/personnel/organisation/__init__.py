"""Organisation: the four leading bodies, budget units and their sections, ranks."""
