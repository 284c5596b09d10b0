"""audit: events authenticated with a key kept outside the database

Each new audit event carries a MAC (HMAC-SHA256 with AUDIT_KEY) of its hash, and the
head a MAC of itself. The events already written have none: they stay as they are and
still verify by their hash chain. The head records from which event MACs start
(mac_from); it is set by the first event written after this upgrade, whose MAC then
seals every older event through its prev_hash.

Revision ID: b7d2c4e9a013
Revises: c4e2a9d17b30
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d2c4e9a013'
down_revision = 'c4e2a9d17b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
        batch_op.drop_column('mac_from')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('mac')
