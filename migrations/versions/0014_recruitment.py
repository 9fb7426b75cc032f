"""发展党员 (recruitment): the applicant record, from the application to full membership.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02 17:37:31

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applicant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('ethnicity', sa.String(length=20), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('stage', sa.Enum('applicant', 'activist', 'candidate', 'probationary', 'full', name='recruit_stage', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('talk_on', sa.Date(), nullable=True),
    sa.Column('talk_by', sa.String(length=60), nullable=True),
    sa.Column('activist_on', sa.Date(), nullable=True),
    sa.Column('activist_filed_on', sa.Date(), nullable=True),
    sa.Column('contact_1_id', sa.Integer(), nullable=True),
    sa.Column('contact_2_id', sa.Integer(), nullable=True),
    sa.Column('training_on', sa.Date(), nullable=True),
    sa.Column('training_hours', sa.Integer(), nullable=True),
    sa.Column('opinions_on', sa.Date(), nullable=True),
    sa.Column('candidate_on', sa.Date(), nullable=True),
    sa.Column('introducer_1_id', sa.Integer(), nullable=True),
    sa.Column('introducer_2_id', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('review_conclusion', sa.Enum('passed', 'failed', name='review_conclusion', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('intensive_on', sa.Date(), nullable=True),
    sa.Column('intensive_hours', sa.Integer(), nullable=True),
    sa.Column('prereview_on', sa.Date(), nullable=True),
    sa.Column('notice_from', sa.Date(), nullable=True),
    sa.Column('notice_until', sa.Date(), nullable=True),
    sa.Column('pledge_number', sa.String(length=32), nullable=True),
    sa.Column('admit_meeting_on', sa.Date(), nullable=True),
    sa.Column('admit_expected', sa.Integer(), nullable=True),
    sa.Column('admit_present', sa.Integer(), nullable=True),
    sa.Column('admit_for', sa.Integer(), nullable=True),
    sa.Column('admit_against', sa.Integer(), nullable=True),
    sa.Column('admit_abstain', sa.Integer(), nullable=True),
    sa.Column('superior_talk_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('extension_months', sa.Integer(), server_default='0', nullable=False),
    sa.Column('extension_reason', sa.String(length=200), nullable=True),
    sa.Column('extended_on', sa.Date(), nullable=True),
    sa.Column('convert_meeting_on', sa.Date(), nullable=True),
    sa.Column('convert_expected', sa.Integer(), nullable=True),
    sa.Column('convert_present', sa.Integer(), nullable=True),
    sa.Column('convert_for', sa.Integer(), nullable=True),
    sa.Column('convert_against', sa.Integer(), nullable=True),
    sa.Column('convert_abstain', sa.Integer(), nullable=True),
    sa.Column('convert_approved_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("member_id IS NOT NULL OR stage IN ('applicant', 'activist', 'candidate')", name=op.f('ck_applicant_member_once_admitted')),
    sa.CheckConstraint('admit_expected IS NULL OR admit_expected BETWEEN 1 AND 10000', name=op.f('ck_applicant_admit_expected_range')),
    sa.CheckConstraint('admit_for IS NULL OR (admit_for >= 0 AND admit_against >= 0 AND admit_abstain >= 0 AND admit_for + admit_against + admit_abstain <= admit_present)', name=op.f('ck_applicant_admit_votes_range')),
    sa.CheckConstraint('admit_present IS NULL OR (admit_present >= 0 AND admit_present <= admit_expected)', name=op.f('ck_applicant_admit_present_range')),
    sa.CheckConstraint('convert_expected IS NULL OR convert_expected BETWEEN 1 AND 10000', name=op.f('ck_applicant_convert_expected_range')),
    sa.CheckConstraint('convert_for IS NULL OR (convert_for >= 0 AND convert_against >= 0 AND convert_abstain >= 0 AND convert_for + convert_against + convert_abstain <= convert_present)', name=op.f('ck_applicant_convert_votes_range')),
    sa.CheckConstraint('convert_present IS NULL OR (convert_present >= 0 AND convert_present <= convert_expected)', name=op.f('ck_applicant_convert_present_range')),
    sa.CheckConstraint('extension_months = 0 OR extension_months BETWEEN 6 AND 12', name=op.f('ck_applicant_extension_6_to_12')),
    sa.CheckConstraint('intensive_hours IS NULL OR intensive_hours BETWEEN 1 AND 1000', name=op.f('ck_applicant_intensive_hours_range')),
    sa.CheckConstraint('length(name) >= 1', name=op.f('ck_applicant_name_not_empty')),
    sa.CheckConstraint('talk_on IS NULL OR talk_on >= applied_on', name=op.f('ck_applicant_talk_after_application')),
    sa.CheckConstraint('training_hours IS NULL OR training_hours BETWEEN 1 AND 1000', name=op.f('ck_applicant_training_hours_range')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_applicant_branch_id_branch')),
    sa.ForeignKeyConstraint(['contact_1_id'], ['member.id'], name=op.f('fk_applicant_contact_1_id_member')),
    sa.ForeignKeyConstraint(['contact_2_id'], ['member.id'], name=op.f('fk_applicant_contact_2_id_member')),
    sa.ForeignKeyConstraint(['introducer_1_id'], ['member.id'], name=op.f('fk_applicant_introducer_1_id_member')),
    sa.ForeignKeyConstraint(['introducer_2_id'], ['member.id'], name=op.f('fk_applicant_introducer_2_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_applicant_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant')),
    sa.UniqueConstraint('id_number', name=op.f('uq_applicant_id_number')),
    sa.UniqueConstraint('member_id', name=op.f('uq_applicant_member_id'))
    )
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicant_branch_id'), ['branch_id'], unique=False)



def downgrade():
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicant_branch_id'))

    op.drop_table('applicant')
