"""The fire equipment register (消防器材): extinguishers, hydrants, alarms and sprinklers, their
checks, and what is due or overdue."""
