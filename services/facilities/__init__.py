"""Facilities service: The six compounds (机关大院): inspections, hazards and phased fixes,
maintenance, patrols and duty rosters, CCTV points, visitors, vehicle passes, safety zones and
consumption quotas.
"""
