"""The five separated rights (所有权、管理权、经营权、使用权、处置权) over buildings, rooms and
assets, effective-dated, and the rules that follow from them."""
