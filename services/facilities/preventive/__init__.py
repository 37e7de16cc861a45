"""Preventive maintenance plans (计划性维护): recurring tasks that raise their work orders
ahead of each due date, each occurrence once."""
