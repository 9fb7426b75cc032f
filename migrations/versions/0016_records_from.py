"""The organisation's first tracked month is where its whole record begins, not only its
dues: committee.dues_tracked_from becomes committee.records_from (issue 18).

A plain RENAME COLUMN on both backends (SQLite ≥ 3.25): nothing is copied.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 06:30:00

"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE committee RENAME COLUMN dues_tracked_from TO records_from")


def downgrade():
    op.execute("ALTER TABLE committee RENAME COLUMN records_from TO dues_tracked_from")
