"""Monthly straight-line depreciation of the asset cards, posted to finance per unit."""
