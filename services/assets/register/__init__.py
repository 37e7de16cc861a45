"""The state-asset register (资产卡片): cards, their lifecycle and the audit of each step."""
