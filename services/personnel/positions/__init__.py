"""Positions (岗位) with their written responsibilities (岗位责任) and headcount."""
