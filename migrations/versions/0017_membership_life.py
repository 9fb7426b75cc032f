"""The life of a membership (issue 18): member.status gains 停止党籍 (suspended), 出国（境）
暂留 (abroad) and the ends 去世 / 自行脱党除名 / 开除党籍 / 退党 next to 已转出;
membership.end_reason gains the same ends; member_standing keeps the history of the
statuses (what held in a given month).

Only the IN-lists of two CHECK constraints change. PostgreSQL drops and recreates them.
SQLite cannot alter a CHECK, and ``member`` must not be copied (many tables refer to it;
it has triggers): the constraint text is edited in sqlite_master under
``PRAGMA writable_schema`` and the schema version bumped, which the SQLite documentation
(ALTER TABLE, "Making other kinds of table schema changes") gives as safe for a change that
existing rows cannot break, as loosening an IN-list is. The downgrade narrows them back and
first refuses if a row uses a new value (nothing is changed then).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 07:00:00

"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ENDS = ("deceased", "removed", "expelled", "withdrew")
OLD_STATUS = ("normal", "away", "lost_contact", "transferred_out")
NEW_STATUS = ("normal", "away", "lost_contact", "suspended", "abroad", "transferred_out", *ENDS)
OLD_END = ("moved", "transferred_out")
NEW_END = (*OLD_END, *ENDS)

# table, column, constraint name, values before, values after
CHECKS = (
    ("member", "status", "ck_member_member_status", OLD_STATUS, NEW_STATUS),
    ("membership", "end_reason", "ck_membership_membership_end", OLD_END, NEW_END),
)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _set_check(table: str, column: str, name: str, values: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, _in_list(column, values))
        return
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = :t"), {"t": table}).scalar_one()
    pattern = re.compile(rf"CONSTRAINT {name} CHECK \({column} IN \([^)]*\)\)")
    if len(pattern.findall(sql)) != 1:
        raise RuntimeError(f"{table}: constraint {name} not found as expected; nothing was "
                           "changed.")
    edited = pattern.sub(f"CONSTRAINT {name} CHECK ({_in_list(column, values)})", sql)
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND "
                         "name = :t"), {"sql": edited, "t": table})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade():
    for table, column, name, _, after in CHECKS:
        _set_check(table, column, name, after)
    op.create_table(
        "member_standing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum(*NEW_STATUS, name="standing_status", native_enum=False,
                                    create_constraint=True, length=24), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.CheckConstraint("until IS NULL OR until > since",
                           name=op.f("ck_member_standing_until_after_since")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_member_standing_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_standing")),
    )
    op.create_index("ix_member_standing_member_since", "member_standing",
                    ["member_id", "since"])


def downgrade():
    bind = op.get_bind()
    for table, column, name, before, _ in CHECKS:
        bad = f"{column} IS NOT NULL AND NOT ({_in_list(column, before)})"
        count = bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {bad}")).scalar()
        if count:
            raise RuntimeError(
                f"{count} row(s) of {table} use a {column} this revision does not know; "
                f"correct them (SELECT * FROM {table} WHERE {bad}) and downgrade again. "
                "Nothing was changed.")
    op.drop_index("ix_member_standing_member_since", table_name="member_standing")
    op.drop_table("member_standing")
    for table, column, name, before, _ in CHECKS:
        _set_check(table, column, name, before)
