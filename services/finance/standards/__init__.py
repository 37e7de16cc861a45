"""Pay and travel standards: effective-dated, approved versions that payroll and claims apply."""
