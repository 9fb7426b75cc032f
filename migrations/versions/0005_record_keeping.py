"""Keeping the record from the console: an open check-in (签到) on a meeting, the reason a
dues amount was set by hand, and the meeting a points entry was credited for.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 01:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"  # the head of wt-console when merged; the lead re-chains
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
        op.execute("ALTER TABLE points_entry ADD COLUMN meeting_id INTEGER "
                   "CONSTRAINT fk_points_entry_meeting REFERENCES meeting (id)")
    else:
        op.add_column("points_entry", sa.Column("meeting_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_points_entry_meeting", "points_entry", "meeting",
                              ["meeting_id"], ["id"])
    op.create_index("ix_points_entry_meeting", "points_entry", ["meeting_id", "member_id"])


def downgrade():
    op.drop_index("ix_points_entry_meeting", table_name="points_entry")
    if op.get_bind().dialect.name == "sqlite":
        # Batch mode copies the table, which loses its append-only triggers: put them back.
        with op.batch_alter_table("points_entry", schema=None) as batch_op:
            batch_op.drop_column("meeting_id")
        for name in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS points_entry_no_{name}")
            op.execute(f"CREATE TRIGGER points_entry_no_{name} BEFORE {name.upper()} ON "
                       "points_entry BEGIN SELECT RAISE(ABORT, 'points_entry is append-only'); "
                       "END")
    else:
        op.drop_constraint("fk_points_entry_meeting", "points_entry", type_="foreignkey")
        op.drop_column("points_entry", "meeting_id")
    with op.batch_alter_table("dues", schema=None) as batch_op:
        batch_op.drop_column("due_reason")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("checkin_open")
