"""Typed HTTP clients of the peers the facilities service reads from (assets, finance)."""
