"""Typed HTTP clients of the peers the finance service reads from."""
