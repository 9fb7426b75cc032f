"""The database holds the domain's ranges (profiles/limits.py): the 党员编号 character set
([A-Z0-9-]{1,32}), points within ±10,000, amounts within a million yuan.

PostgreSQL gets CHECK constraints. SQLite gets BEFORE INSERT/UPDATE triggers instead:
adding a CHECK there means copying the table (batch mode), and member and points_entry
are referred to or guarded by triggers of their own. Existing data must pass; if it does
not, the upgrade stops and says which table and how to find the rows.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

MAX_CENTS = 100_000_000
MAX_POINTS = 10_000

# name, table, PostgreSQL condition, SQLite condition (on NEW), columns an UPDATE checks
RULES = (
    ("member_number_chars", "member", "number ~ '^[A-Z0-9-]{1,32}$'",
     "NEW.number GLOB '*[^A-Z0-9-]*' OR length(NEW.number) NOT BETWEEN 1 AND 32", "number"),
    ("member_dues_base_range", "member", f"dues_base_cents IS NULL OR dues_base_cents <= {MAX_CENTS}",
     f"NEW.dues_base_cents > {MAX_CENTS}", "dues_base_cents"),
    ("points_entry_range", "points_entry", f"points BETWEEN -{MAX_POINTS} AND {MAX_POINTS}",
     f"abs(NEW.points) > {MAX_POINTS}", None),
    ("points_rule_range", "points_rule", f"points BETWEEN -{MAX_POINTS} AND {MAX_POINTS}",
     f"abs(NEW.points) > {MAX_POINTS}", "points"),
    ("dues_amount_range", "dues", f"due_cents <= {MAX_CENTS} AND paid_cents <= {MAX_CENTS}",
     f"NEW.due_cents > {MAX_CENTS} OR NEW.paid_cents > {MAX_CENTS}", "due_cents, paid_cents"),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _check_existing() -> None:
    bind = op.get_bind()
    for name, table, pg_condition, sqlite_condition, _ in RULES:
        if _sqlite():
            bad = sqlite_condition.replace("NEW.", "")
        else:
            bad = f"NOT ({pg_condition})"
        count = bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {bad}")).scalar()
        if count:
            raise RuntimeError(
                f"{count} row(s) of {table} break {name} ({pg_condition}); correct them "
                f"(SELECT * FROM {table} WHERE {bad}) and upgrade again. Nothing was changed.")


def upgrade():
    _check_existing()
    for name, table, pg_condition, sqlite_condition, columns in RULES:
        if not _sqlite():
            op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, pg_condition)
            continue
        message = f"{table}: {name}"
        op.execute(f"CREATE TRIGGER {name}_insert BEFORE INSERT ON {table} "
                   f"WHEN {sqlite_condition} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        if columns:  # points_entry is append-only: its UPDATE trigger refuses all already
            op.execute(f"CREATE TRIGGER {name}_update BEFORE UPDATE OF {columns} ON {table} "
                       f"WHEN {sqlite_condition} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade():
    for name, table, _, _, columns in RULES:
        if not _sqlite():
            op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
            continue
        op.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {name}_update")
