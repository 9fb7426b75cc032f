"""Membership history, units' lifetimes, the branch committee setting, the first tracked
dues month. Every existing member gets one membership from their 入党日期 (or the
branch's founding, if later), so existing data keeps working.

Revision ID: 0003
Revises: 0001
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild): SQLite would otherwise recreate tables that
    # members and meetings reference.
    op.add_column("committee", sa.Column("dues_tracked_from", sa.Date(), nullable=True))
    op.add_column("branch", sa.Column("dissolved_on", sa.Date(), nullable=True))
    op.add_column("branch", sa.Column("has_committee", sa.Boolean(), nullable=True))
    op.add_column("party_group", sa.Column("founded_on", sa.Date(), nullable=True))
    op.add_column("party_group", sa.Column("dissolved_on", sa.Date(), nullable=True))
    membership = op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("start_reason", sa.Enum("joined", "transferred_in", "moved", "recorded",
                                          name="membership_start", native_enum=False,
                                          create_constraint=True, length=24), nullable=False),
        sa.Column("end_reason", sa.Enum("moved", "transferred_out", name="membership_end",
                                        native_enum=False, create_constraint=True, length=24),
                  nullable=True),
        sa.CheckConstraint("(until IS NULL) = (end_reason IS NULL)",
                           name=op.f("ck_membership_end_reason_iff_ended")),
        sa.CheckConstraint("until IS NULL OR until > since",
                           name=op.f("ck_membership_until_after_since")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_membership_branch_id_branch")),
        sa.ForeignKeyConstraint(["group_id", "branch_id"],
                                ["party_group.id", "party_group.branch_id"],
                                name="fk_membership_group_in_branch"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_membership_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    op.create_index("ix_membership_branch_since", "membership", ["branch_id", "since"])
    op.create_index(op.f("ix_membership_member_id"), "membership", ["member_id"])
    _backfill(membership)


def _backfill(membership):
    """One membership per existing member; a member already 已转出 gets a closed one."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT m.id, m.branch_id, m.group_id, m.joined_on, m.status, m.updated_at, "
        "b.founded_on FROM member m JOIN branch b ON b.id = m.branch_id ORDER BY m.id")).all()
    values = []
    for member_id, branch_id, group_id, joined, status, updated, founded in rows:
        joined, founded = _date(joined), _date(founded)
        since = max(joined, founded) if founded else joined
        row = {"member_id": member_id, "branch_id": branch_id, "group_id": group_id,
               "since": since, "until": None,
               "start_reason": "joined" if since == joined else "recorded", "end_reason": None}
        if status == "transferred_out":
            # The day is not on record; the member row's last change is the best estimate.
            left = _date(updated) if updated else since
            row.update(until=max(left, since + dt.timedelta(days=1)),
                       end_reason="transferred_out")
        values.append(row)
    for start in range(0, len(values), 5000):
        op.bulk_insert(membership, values[start:start + 5000])


def _date(value):
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def downgrade():
    op.drop_index(op.f("ix_membership_member_id"), table_name="membership")
    op.drop_index("ix_membership_branch_since", table_name="membership")
    op.drop_table("membership")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop tables that rows
    # elsewhere reference, which SQLite's foreign keys refuse once there is data.
    for table, column in (("party_group", "dissolved_on"), ("party_group", "founded_on"),
                          ("branch", "has_committee"), ("branch", "dissolved_on"),
                          ("committee", "dues_tracked_from")):
        op.drop_column(table, column)
