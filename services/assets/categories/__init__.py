"""Fixed-asset categories (GB/T 14885) with the useful life each is depreciated over."""
