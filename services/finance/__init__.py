"""Finance service: one ledger (一本账) for the 31 budget units, budgets and quotas, treasury
centralized payment (国库集中支付), separation of revenue and expenditure (收支两条线),
payroll and expense claims.
"""
