"""Keeping the record from the console: an open check-in (签到) on a meeting, the reason a
dues amount was set by hand, and the meeting a points entry was credited for.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 01:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None


APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER points_entry_no_{op} BEFORE {OP} ON points_entry "
    "BEGIN SELECT RAISE(ABORT, 'points_entry is append-only'); END")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _points_entry_batch():
    """SQLite: batch mode copies points_entry (nothing refers to it), which drops its
    append-only triggers; they are put back after."""
    for name in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS points_entry_no_{name}")
    return op.batch_alter_table("points_entry", schema=None)


def _restore_triggers() -> None:
    for name in ("update", "delete"):
        op.execute(APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))


def upgrade():
    # Plain ADD COLUMN on every backend: copying meeting (SQLite batch mode) would trip
    # over the attendance rows that refer to it.
    op.add_column("meeting", sa.Column("checkin_open", sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.add_column("dues", sa.Column("due_reason", sa.String(length=200), nullable=True))
    # The meeting a points entry was credited for. No index of its own: the lookup goes
    # through ix_points_entry_member_on (one member's entries), and an index would slow
    # every bulk insert of the ledger (the demo, imports).
    if _sqlite():
        with _points_entry_batch() as batch_op:
            batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key("fk_points_entry_meeting", "meeting", ["meeting_id"],
                                        ["id"])
        _restore_triggers()
    else:
        op.add_column("points_entry", sa.Column("meeting_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_points_entry_meeting", "points_entry", "meeting",
                              ["meeting_id"], ["id"])


def downgrade():
    if _sqlite():
        with _points_entry_batch() as batch_op:
            batch_op.drop_constraint("fk_points_entry_meeting", type_="foreignkey")
            batch_op.drop_column("meeting_id")
        _restore_triggers()
        # Native DROP COLUMN (SQLite 3.35+): no copy of meeting, which attendance refers to.
        op.execute("ALTER TABLE dues DROP COLUMN due_reason")
        op.execute("ALTER TABLE meeting DROP COLUMN checkin_open")
    else:
        op.drop_constraint("fk_points_entry_meeting", "points_entry", type_="foreignkey")
        op.drop_column("points_entry", "meeting_id")
        op.drop_column("dues", "due_reason")
        op.drop_column("meeting", "checkin_open")
