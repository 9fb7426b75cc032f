"""Where things are: the repository root and the test data, wherever a test module lives."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: tests/helpers/paths.py
DATA = ROOT / "tests" / "data"  # spreadsheets made by other programs (tests/data/README.md)
