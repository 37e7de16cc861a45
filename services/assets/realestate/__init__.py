"""The real-estate register: compounds, buildings, floors and rooms (the suite's location
master)."""
