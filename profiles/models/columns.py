"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_column(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A VARCHAR column restricted by a CHECK constraint to the enum's codes."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )
