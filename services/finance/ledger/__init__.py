"""The one account book (一本账): chart of accounts, journal entries, periods, balances."""
