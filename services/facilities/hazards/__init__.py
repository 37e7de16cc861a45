"""Hazards (隐患): every defect an inspection finds, until a re-inspection passes it."""
