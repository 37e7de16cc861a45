"""Leases of operating space (经营性资产出租): contracts, their rent schedules, payments
reported to finance as revenue, arrears and expiry reports."""
