"""The end of a person's way to membership before admission (issue 23, 发展终止):
applicant.ended_on, end_reason (本人撤回申请, 取消资格, 支部大会未通过或上级未批准, 调离本单位,
其他) and end_note; a CHECK that the date and the reason come together, and another that
an end is on or after the application and only before admission (a 预备党员's end is the
member's).

Batch mode: SQLite cannot add a table CHECK to an existing table, so the applicant table
is copied (nothing refers to it, it has no triggers); PostgreSQL alters it in place. The
downgrade drops the three columns with their constraints (the ends are lost with them).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

REASONS = ("withdrawn", "disqualified", "not_admitted", "moved_away", "other")


def upgrade():
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column(
            "end_reason", sa.Enum(*REASONS, name="recruit_end", native_enum=False,
                                  create_constraint=True, length=24), nullable=True))
        batch_op.add_column(sa.Column("end_note", sa.String(length=200), nullable=True))
        batch_op.create_check_constraint(
            "end_dated_with_reason", "(ended_on IS NULL) = (end_reason IS NULL)")
        batch_op.create_check_constraint(
            "end_before_admission", "ended_on IS NULL OR (ended_on >= applied_on AND stage "
            "IN ('applicant', 'activist', 'candidate'))")


def downgrade():
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        for name in ("end_before_admission", "end_dated_with_reason", "recruit_end"):
            batch_op.drop_constraint(op.f(f"ck_applicant_{name}"), type_="check")
        batch_op.drop_column("end_note")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_on")
