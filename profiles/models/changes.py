"""An audit trail of writes made by imports and commands (who, what, when)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class ChangeLog(db.Model):  # type: ignore[name-defined,misc]
    """One changed record: which table and key, the action, and the changed fields as JSON."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    actor: Mapped[str] = mapped_column(String(60))  # OS user or account that ran the change
    source: Mapped[str] = mapped_column(String(200))  # e.g. "import members roster.xlsx"
    table_name: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> [old, new]
