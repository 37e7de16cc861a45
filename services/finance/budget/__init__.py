"""Budgets: appropriations (预算指标), monthly payment plans (用款计划) and quotas (额度)."""
