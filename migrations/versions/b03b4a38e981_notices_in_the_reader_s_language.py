"""notices in the reader's language: a message key and its parameters

A notice was stored as finished words in the language of its recipient on the day it
was made; it now keeps what it is about (the deadline's kind: its message key) and its
parameters (member, subject, titles), and is written when it is shown, in the reader's
language. Existing notices are read back from their words: the kind from its label in
any of the three languages, the member and the subject from between the dashes. A
notice whose words do not read that way keeps them (and shows them as before).

Revision ID: b03b4a38e981
Revises: b7d2c4e9a013
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b03b4a38e981'
down_revision = 'b7d2c4e9a013'
branch_labels = None
depends_on = None

# The kinds' labels as the reminder pass wrote them (en, fr, nl), frozen here: this
# migration must read the notices of its day, whatever the catalogues say later.
KINDS = {
    "Self-assessment due": "assessment_due",
    "Échéance de l'auto-évaluation": "assessment_due",
    "Uiterste datum zelfevaluatie": "assessment_due",
    "Pre-audit review due": "review_due",
    "Revue de pré-audit à faire": "review_due",
    "Beoordeling voor de pre-audit te doen": "review_due",
    "Corrective action due": "action_due",
    "Échéance d'une action corrective": "action_due",
    "Uiterste datum corrigerende maatregel": "action_due",
    "Evidence expires": "evidence_expiry",
    "Expiration d'une pièce justificative": "evidence_expiry",
    "Vervaldatum bewijsstuk": "evidence_expiry",
    "Recurring duty due": "duty_due",
    "Obligation périodique à échéance": "duty_due",
    "Terugkerende verplichting te doen": "duty_due",
}
SEPARATOR = " — "


def read_notice(text, requirement_titles):
    """(kind, params) from a notice's words "label — member — subject — date (when)",
    or None when they do not read that way. A recurring duty's subject is "KEY: title"
    in the language of the day: its titles in every language come from the manual."""
    parts = text.split(SEPARATOR)
    if len(parts) < 4 or parts[0] not in KINDS:
        return None
    kind, subject, titles = KINDS[parts[0]], SEPARATOR.join(parts[2:-1]), {}
    key = subject.split(":")[0]
    if kind == "duty_due" and ":" in subject and requirement_titles(key):
        subject, titles = f"{key}:", requirement_titles(key)
    return kind, {"member": parts[1], "subject": subject, "titles": titles}


def upgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    notice = sa.table('notice', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                      sa.column('kind', sa.String), sa.column('params', sa.JSON))
    requirement = sa.table('requirement', sa.column('id', sa.Integer),
                           sa.column('key', sa.String), sa.column('title', sa.JSON))
    connection = op.get_bind()

    def requirement_titles(key):
        return connection.execute(sa.select(requirement.c.title).where(
            requirement.c.key == key).order_by(requirement.c.id.desc()).limit(1)).scalar()

    for notice_id, text in connection.execute(sa.select(notice.c.id, notice.c.text)).all():
        read = read_notice(text or "", requirement_titles)
        if read is not None:
            connection.execute(notice.update().where(notice.c.id == notice_id)
                               .values(kind=read[0], params=read[1]))


def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('kind')
