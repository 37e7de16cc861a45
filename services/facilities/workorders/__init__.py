"""Maintenance work orders (维修工单): requests, triage, assignment, work, verification,
labour and materials, and the SLA clocks of each priority."""
