"""Remembered column map of the spreadsheet importers (sheets/reading/column_map.py).

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "column_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("header", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_mapping")),
        sa.UniqueConstraint("kind", "header", name=op.f("uq_column_mapping_kind")),
    )


def downgrade():
    op.drop_table("column_mapping")
