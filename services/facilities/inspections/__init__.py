"""Inspections (逐项排查): versioned checklists by category, inspection rounds and their answers."""
