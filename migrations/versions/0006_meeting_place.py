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
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=200), server_default="",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("place")
