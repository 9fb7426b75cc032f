# Copy to instance/config.py and adjust. Environment variables PARTYCARD_<NAME> override these.

# The URL printed in every code. Keep it short (24 characters or fewer keeps codes at
# QR version 3); scheme and host are uppercased in codes, the path is kept as written.
BASE_URL = "https://card.example.org"

# PostgreSQL in production; the default is SQLite in this folder.
# DATABASE_URL = "postgresql://partycard@db.internal/partycard"

# Refuse to start (instead of creating instance/signing-keys) when no key exists.
# GENERATE_KEYS = False

# Member page sections to hide, e.g. show the evaluation stage but not the rating.
# HIDDEN_SECTIONS = ["evaluation_rating"]

# The CJK font for printing: a file path or a fontconfig family name.
# CJK_FONT = "Noto Sans CJK SC"

# Branch self-audit (see docs/pages.md): cadences per meeting kind and thresholds.
# AUDIT_CADENCES = {"lecture": "quarter"}  # merged over the defaults; None turns a kind off
# DUES_WARN_MONTHS = 3
# DUES_CRITICAL_MONTHS = 6
# ABSENCE_WARN_MONTHS = 3

# Console (accounts/): a login lasts SESSION_HOURS; bad passwords are counted per account
# (LOGIN_SLOW: slowed, LOGIN_LOCK: locked) and per address (LOGIN_ADDRESS), in this
# process's memory or, shared by every worker, in Redis.
# SESSION_HOURS = 14
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/1"
# LOGIN_SLOW = "5 per 5 minutes"
# LOGIN_LOCK = "10 per hour"
# LOGIN_ADDRESS = "30 per 10 minutes"
