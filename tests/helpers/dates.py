"""The suite's pinned date: every test and benchmark builds its data around it."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 11, 21)
