"""Meetings keep where they were held (the console's meeting form asks for it).

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-22 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases (no table copy: rows keep their foreign keys).
    op.add_column("meeting", sa.Column("place", sa.String(length=200), server_default="",
                                       nullable=False))


def downgrade():
    # SQLite 3.35+ drops a column in place; a batch copy of the table would trip the
    # attendance rows' foreign keys.
    op.drop_column("meeting", "place")
