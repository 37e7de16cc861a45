"""Months of the books: open, closed, reopened with a reason."""
