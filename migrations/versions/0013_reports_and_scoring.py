"""Reports upward and 三级考核 (issue 22): the organisation's ranking and member-score
settings, the score rule table, closed months with their frozen scores and adjustments,
and a partial index of absences for the organisation home.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def _level():
    return sa.Enum("branch", "group", "member", name="score_level", native_enum=False,
                   create_constraint=True, length=24)


def upgrade():
    op.add_column("committee", sa.Column("rankings_enabled", sa.Boolean(),
                                         server_default=sa.true(), nullable=False))
    op.add_column("committee", sa.Column("member_scores_visible", sa.Boolean(),
                                         server_default=sa.false(), nullable=False))
    op.create_index("ix_attendance_absent", "attendance", ["member_id"],
                    sqlite_where=sa.text("status = 'absent'"),
                    postgresql_where=sa.text("status = 'absent'"))
    op.create_table(
        "score_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("level", _level(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint("weight BETWEEN 0 AND 100", name=op.f("ck_score_rule_weight_0_to_100")),
        sa.CheckConstraint("target IS NULL OR target BETWEEN 1 AND 1000",
                           name=op.f("ck_score_rule_target_1_to_1000")),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"],
                                name=op.f("fk_score_rule_committee_id_committee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_rule")),
        sa.UniqueConstraint("committee_id", "level", "item",
                            name=op.f("uq_score_rule_committee_id")),
    )
    op.create_table(
        "score_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("closed_by", sa.String(length=60), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True),
                  server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint("month % 100 BETWEEN 1 AND 12", name=op.f("ck_score_month_month_valid")),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"],
                                name=op.f("fk_score_month_committee_id_committee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_month")),
        sa.UniqueConstraint("committee_id", "month", name=op.f("uq_score_month_committee_id")),
    )
    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_month_id", sa.Integer(), nullable=False),
        sa.Column("level", _level(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("points_centi", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_score_branch_id_branch")),
        sa.ForeignKeyConstraint(["score_month_id"], ["score_month.id"],
                                name=op.f("fk_score_score_month_id_score_month")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint("score_month_id", "level", "subject_id",
                            name=op.f("uq_score_score_month_id")),
    )
    op.create_index("ix_score_month_branch", "score", ["score_month_id", "branch_id"])
    op.create_index("ix_score_subject", "score", ["level", "subject_id"])
    op.create_table(
        "score_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("points_centi", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint("points_centi <> 0",
                           name=op.f("ck_score_adjustment_points_not_zero")),
        sa.CheckConstraint("length(reason) >= 1",
                           name=op.f("ck_score_adjustment_reason_not_empty")),
        sa.ForeignKeyConstraint(["score_id"], ["score.id"],
                                name=op.f("fk_score_adjustment_score_id_score")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_adjustment")),
    )
    op.create_index(op.f("ix_score_adjustment_score_id"), "score_adjustment", ["score_id"])


def downgrade():
    op.drop_index(op.f("ix_score_adjustment_score_id"), table_name="score_adjustment")
    op.drop_table("score_adjustment")
    op.drop_index("ix_score_subject", table_name="score")
    op.drop_index("ix_score_month_branch", table_name="score")
    op.drop_table("score")
    op.drop_table("score_month")
    op.drop_table("score_rule")
    op.drop_index("ix_attendance_absent", table_name="attendance")
    # Not batch mode on SQLite: copying committee would trip over the branches that refer
    # to it; SQLite 3.35+ drops a plain column in place.
    for column in ("member_scores_visible", "rankings_enabled"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE committee DROP COLUMN {column}")
        else:
            op.drop_column("committee", column)
