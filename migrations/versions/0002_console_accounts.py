"""Console accounts: account, account_grant (roles over branches), account_session.

Revision ID: 0002
Revises: 0006 (chained after wt-ops's 0006 on this branch; the lead re-chains at merge)
Create Date: 2026-11-22 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(username) >= 1",
                           name=op.f("ck_account_username_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
    )
    op.create_table(
        "account_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Enum("admin", "supervisor", "secretary", name="grant_role",
                                  native_enum=False, create_constraint=True, length=24),
                  nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(role = 'secretary') = (branch_id IS NOT NULL)",
                           name=op.f("ck_account_grant_branch_iff_secretary")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_account_grant_account_id_account")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_account_grant_branch_id_branch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_grant")),
        sa.UniqueConstraint("account_id", "role", "branch_id", name="uq_account_grant_role"),
    )
    with op.batch_alter_table("account_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_grant_account_id"), ["account_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_account_grant_branch_id"), ["branch_id"],
                              unique=False)
    op.create_table(
        "account_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_account_session_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_session_token_hash")),
    )
    with op.batch_alter_table("account_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_session_account_id"), ["account_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("account_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_session_account_id"))
    op.drop_table("account_session")
    with op.batch_alter_table("account_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_grant_branch_id"))
        batch_op.drop_index(batch_op.f("ix_account_grant_account_id"))
    op.drop_table("account_grant")
    op.drop_table("account")
