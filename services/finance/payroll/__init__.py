"""Payroll: monthly runs from personnel's staff and grades, paid through the treasury."""
