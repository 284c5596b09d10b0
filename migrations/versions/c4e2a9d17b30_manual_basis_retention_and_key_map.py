"""manual 2026.2: each requirement's basis and retention rows, a version's release notes,
retention table and key map, and the earlier answers a carried-over answer came from

Every existing row is kept: the new columns are empty (or format 1) for what was stored
before; importing the manual again fills them for a version whose content is unchanged.

Revision ID: c4e2a9d17b30
Revises: a53c2c4e51d2
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e2a9d17b30'
down_revision = 'a53c2c4e51d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('manual_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('previous_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('release_notes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('retention', sa.JSON(), nullable=True))
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('retention', sa.JSON(), nullable=True))
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from', sa.JSON(), nullable=True))
    op.create_table('key_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('manual_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('old_key', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('note', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['manual_version_id'], ['manual_version.id'],
                            name=op.f('fk_key_mapping_manual_version_id_manual_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_mapping')),
    sa.UniqueConstraint('manual_version_id', 'old_key',
                        name=op.f('uq_key_mapping_manual_version_id_old_key'))
    )


def downgrade():
    op.drop_table('key_mapping')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('carried_from')
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.drop_column('retention')
        batch_op.drop_column('basis')
    with op.batch_alter_table('manual_version', schema=None) as batch_op:
        batch_op.drop_column('retention')
        batch_op.drop_column('release_notes')
        batch_op.drop_column('previous_version')
        batch_op.drop_column('format')
