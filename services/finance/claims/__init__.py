"""Expense and travel claims (报账): checked against the travel standards, approved, paid."""
