"""The treasury adapter: instructions out, signed status callbacks in, statements."""
