"""Typed HTTP clients of the peers the personnel service reads from."""
