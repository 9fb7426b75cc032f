"""The change log: a trail of every write (who, what, when). The model lives with its one
writer in ``core.changelog``; it is re-exported here with the other models."""

from __future__ import annotations

from core.changelog import ChangeLog

__all__ = ["ChangeLog"]
