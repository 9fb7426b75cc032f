"""The ranges of every number a person can type, held by the database and by every sum.

One place, read by the rules (the operations refuse beyond them with a message), by the
spreadsheet reader (a cell beyond them is a problem at its cell) and by migration 0015
(CHECK constraints, or triggers on SQLite, so no other writer stores more either).

The bounds are far beyond any real value and far within what the columns and the sums
hold: the largest sum partycard computes is a branch's points or dues over years, e.g.
a million members × 12 months × ``MAX_CENTS`` = 1.2 × 10¹⁵, against 9.2 × 10¹⁸ for a 64-bit
integer (SQLite's SUM, PostgreSQL's SUM of integer is bigint). Each single value also
fits PostgreSQL's 32-bit ``integer`` columns (2.1 × 10⁹).
"""

from __future__ import annotations

import re

MAX_CENTS = 100_000_000  # one million yuan: a monthly wage, an amount due or paid
MAX_POINTS = 10_000  # one points entry or rule, either sign

# 党员编号: letters, digits and hyphens, 1 to 32 (stored upper case). No spaces: the change
# log keys a member's records as "<number> <rest>", so a number must never hold one.
NUMBER_CHARS = "A-Z0-9-"
MEMBER_NUMBER = re.compile(rf"[{NUMBER_CHARS}]{{1,32}}")
