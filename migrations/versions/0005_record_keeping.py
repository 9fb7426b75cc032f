"""Keeping the record from the console: an open check-in (签到) on a meeting, the reason a
dues amount was set by hand, and the meeting a points entry was credited for.

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-22 01:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_open", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("dues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_reason", sa.String(length=200), nullable=True))
    # points_entry is append-only (triggers refuse UPDATE and DELETE); adding a nullable
    # column rewrites no row. SQLite's batch mode would copy the table and drop the
    # triggers, so add the column in place there.
    if op.get_bind().dialect.name == "sqlite":
        op.add_column("points_entry", sa.Column("meeting_id", sa.Integer(),
                                                sa.ForeignKey("meeting.id",
                                                              name="fk_points_entry_meeting"),
                                                nullable=True))
    else:
        op.add_column("points_entry", sa.Column("meeting_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_points_entry_meeting", "points_entry", "meeting",
                              ["meeting_id"], ["id"])
    op.create_index("ix_points_entry_meeting", "points_entry", ["meeting_id", "member_id"])


def downgrade():
    op.drop_index("ix_points_entry_meeting", table_name="points_entry")
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.drop_column("meeting_id")
    with op.batch_alter_table("dues", schema=None) as batch_op:
        batch_op.drop_column("due_reason")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("checkin_open")
