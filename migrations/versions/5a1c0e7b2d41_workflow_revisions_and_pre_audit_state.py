"""workflows: a revision on assessments and pre-audits, the pre-audit's own state

Two transitions of the same assessment (or pre-audit) from the same state can no
longer both succeed: each row carries a version that every change bumps. A pre-audit's
state is now a column of its own, set from its completion date.

Revision ID: 5a1c0e7b2d41
Revises: 412fa578f77e
Create Date: 2026-11-30 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5a1c0e7b2d41'
down_revision = '412fa578f77e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('pre_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Enum('in_progress', 'completed',
                                                       name='preauditstate',
                                                       native_enum=False, length=20),
                                      server_default='in_progress', nullable=False))
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1',
                                      nullable=False))
    op.execute("UPDATE pre_audit SET state = 'completed' WHERE completed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('pre_audit', schema=None) as batch_op:
        batch_op.drop_column('revision')
        batch_op.drop_column('state')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('revision')
