"""Places facilities refers to (assets' compounds, buildings, rooms), read over HTTP and cached."""
