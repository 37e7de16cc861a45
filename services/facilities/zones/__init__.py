"""Safety responsibility zones (安全责任区域), the fire and safety liaison of every office unit
and the safety manager of every residential entrance (门栋安全管理员)."""
