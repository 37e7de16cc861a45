"""Remediation plans (统一规划，分步解决): hazards grouped into phases across budget years."""
