"""Revenue (收支两条线): receipts owed to the treasury, remitted in full, never spent."""
