"""Assets service: The state asset register (国有资产): stocktakes, office space by rank standards,
residences, the five separated rights, leases of operating assets and official vehicles.
"""
