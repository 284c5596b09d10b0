"""campaign titles in fr, nl and en

Three optional columns beside the title: a reader sees the title in their language,
else the title as first given (the existing campaigns keep theirs, unchanged).

Revision ID: 17eaf84e4ccd
Revises: e6736255ae1c
Create Date: 2026-11-30 07:40:58.209225

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17eaf84e4ccd'
down_revision = 'e6736255ae1c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_fr', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('title_nl', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('title_en', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('title_en')
        batch_op.drop_column('title_nl')
        batch_op.drop_column('title_fr')
