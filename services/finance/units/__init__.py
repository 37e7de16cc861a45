"""Budget units (预算单位): the units finance keeps books for, and their accounts."""
