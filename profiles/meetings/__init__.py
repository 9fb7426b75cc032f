"""Meetings of organisational life (三会一课 and more): models, who should attend, rules,
operations, 签到 and the points credited for attendance."""
