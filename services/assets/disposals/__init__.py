"""Disposals (处置) of asset cards, approved by the holder of the disposal right."""
