"""Six-dimension appraisal (德能勤绩廉创): schemes, cycles, scores, results, revisions, grades."""
