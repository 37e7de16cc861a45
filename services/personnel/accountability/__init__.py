"""Accountability, rewards and penalties (问责制, 奖惩, 评优表先): append-only records."""
