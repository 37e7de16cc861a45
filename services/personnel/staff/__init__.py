"""Staff: people, their effective-dated postings (unit, position, rank, status) and retirees."""
