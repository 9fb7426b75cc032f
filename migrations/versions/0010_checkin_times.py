"""签到 in a real room: when 签到 was first opened (so "not yet open" differs from
"closed"), when each member checked in and out (签退, for 党课 and training hours), and
the page revisions the page cache is keyed by (one counter per branch, one for all).

Revision ID: 0010
Revises: 0014
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs on both databases (no table copy: rows keep their foreign keys).
    op.add_column("meeting", sa.Column("checkin_opened_at", sa.DateTime(timezone=True),
                                       nullable=True))
    op.add_column("attendance", sa.Column("checked_in_at", sa.DateTime(timezone=True),
                                          nullable=True))
    op.add_column("attendance", sa.Column("checked_out_at", sa.DateTime(timezone=True),
                                          nullable=True))
    op.create_table(
        "page_revision",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_page_revision")),
    )


def downgrade():
    op.drop_table("page_revision")
    op.drop_column("attendance", "checked_out_at")
    op.drop_column("attendance", "checked_in_at")
    op.drop_column("meeting", "checkin_opened_at")
