"""Typed HTTP clients of the peers the assets service reads from."""
