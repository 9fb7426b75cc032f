"""痕迹管理: a meeting's record (host, recorder, guests, minutes, resolutions), its files
(photos and documents kept in the evidence store), attendance 线上参加 (online) and the
make-up (补学) of a missed meeting.

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-02 17:45:00

"""
import sqlalchemy as sa
from alembic import op

# core.db's convention as of this revision (a migration keeps its own copy).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

revision = "0012"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = ("present", "excused", "absent")
NEW = (*OLD, "online")


def _attendance(statuses: tuple[str, ...], made_up: bool) -> sa.Table:
    """The attendance table as it stands after (or, for downgrade, before) this revision:
    SQLite rebuilds it from this (batch mode would not reflect its CHECK constraints)."""
    columns = [
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey(
            "meeting.id", name="fk_attendance_meeting_id_meeting"), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey(
            "member.id", name="fk_attendance_member_id_member"), primary_key=True),
        sa.Column("status", _status(statuses), nullable=False),
    ]
    checks = []
    if made_up:
        columns += [sa.Column("made_up_on", sa.Date(), nullable=True),
                    sa.Column("made_up_note", sa.String(length=200), nullable=True)]
        checks = [
            sa.CheckConstraint("made_up_on IS NULL OR status = 'absent'",
                               name="made_up_only_absent"),
            sa.CheckConstraint("made_up_note IS NULL OR made_up_on IS NOT NULL",
                               name="made_up_note_with_date"),
        ]
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    return sa.Table("attendance", metadata, *columns, *checks,
                    sa.Index("ix_attendance_member_id", "member_id"))


def _status(statuses: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*statuses, name="attendance_status", native_enum=False,
                   create_constraint=True, length=24)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    for name, length in (("host", 50), ("recorder", 50), ("guests", 200)):
        op.add_column("meeting", sa.Column(name, sa.String(length=length), server_default="",
                                           nullable=False))
    for name in ("minutes", "resolutions"):
        op.add_column("meeting", sa.Column(name, sa.Text(), server_default="", nullable=False))
    if _sqlite():
        with op.batch_alter_table("attendance", recreate="always",
                                  copy_from=_attendance(OLD, made_up=False)) as batch_op:
            batch_op.alter_column("status", existing_type=_status(OLD), type_=_status(NEW),
                                  existing_nullable=False)
            batch_op.add_column(sa.Column("made_up_on", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("made_up_note", sa.String(length=200),
                                          nullable=True))
            batch_op.create_check_constraint("made_up_only_absent",
                                             "made_up_on IS NULL OR status = 'absent'")
            batch_op.create_check_constraint("made_up_note_with_date",
                                             "made_up_note IS NULL OR made_up_on IS NOT NULL")
    else:
        op.drop_constraint(op.f("ck_attendance_attendance_status"), "attendance", type_="check")
        op.create_check_constraint(op.f("ck_attendance_attendance_status"), "attendance",
                                   "status IN ('present', 'excused', 'absent', 'online')")
        op.add_column("attendance", sa.Column("made_up_on", sa.Date(), nullable=True))
        op.add_column("attendance", sa.Column("made_up_note", sa.String(length=200),
                                              nullable=True))
        op.create_check_constraint(op.f("ck_attendance_made_up_only_absent"), "attendance",
                                   "made_up_on IS NULL OR status = 'absent'")
        op.create_check_constraint(op.f("ck_attendance_made_up_note_with_date"), "attendance",
                                   "made_up_note IS NULL OR made_up_on IS NOT NULL")
    op.create_table(
        "meeting_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("photo", "document", name="evidence_kind", native_enum=False,
                                  create_constraint=True, length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("blob_key", sa.String(length=200), nullable=False),
        sa.Column("thumb_key", sa.String(length=200), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), server_default="", nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_meeting_file_size_positive")),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"],
                                name=op.f("fk_meeting_file_committee_id_committee")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_meeting_file_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_file")),
        sa.UniqueConstraint("blob_key", name=op.f("uq_meeting_file_blob_key")),
    )
    op.create_index("ix_meeting_file_committee", "meeting_file", ["committee_id"])
    op.create_index(op.f("ix_meeting_file_meeting_id"), "meeting_file", ["meeting_id"])


def downgrade():
    op.drop_index(op.f("ix_meeting_file_meeting_id"), table_name="meeting_file")
    op.drop_index("ix_meeting_file_committee", table_name="meeting_file")
    op.drop_table("meeting_file")
    # An online attendance has no older spelling: it becomes 出席 (it counted as attended).
    op.execute("UPDATE attendance SET status = 'present' WHERE status = 'online'")
    if _sqlite():
        with op.batch_alter_table("attendance", recreate="always",
                                  copy_from=_attendance(NEW, made_up=True)) as batch_op:
            batch_op.drop_constraint("made_up_note_with_date", type_="check")
            batch_op.drop_constraint("made_up_only_absent", type_="check")
            batch_op.drop_column("made_up_note")
            batch_op.drop_column("made_up_on")
            batch_op.alter_column("status", existing_type=_status(NEW), type_=_status(OLD),
                                  existing_nullable=False)
        for name in ("resolutions", "minutes", "guests", "recorder", "host"):
            op.execute(f"ALTER TABLE meeting DROP COLUMN {name}")
    else:
        op.drop_constraint(op.f("ck_attendance_made_up_note_with_date"), "attendance", type_="check")
        op.drop_constraint(op.f("ck_attendance_made_up_only_absent"), "attendance", type_="check")
        op.drop_column("attendance", "made_up_note")
        op.drop_column("attendance", "made_up_on")
        op.drop_constraint(op.f("ck_attendance_attendance_status"), "attendance", type_="check")
        op.create_check_constraint(op.f("ck_attendance_attendance_status"), "attendance",
                                   "status IN ('present', 'excused', 'absent')")
        for name in ("resolutions", "minutes", "guests", "recorder", "host"):
            op.drop_column("meeting", name)
