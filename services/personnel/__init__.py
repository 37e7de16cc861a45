"""Personnel service: Units, staff, positions and responsibilities, six-dimension appraisal
(德能勤绩廉创), grades, accountability and retirees.
"""
