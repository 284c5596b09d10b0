from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from compliance.forms import select_choices
from compliance.requests_.models import KIND_LABELS
from compliance.requests_.services import QUESTION_LENGTH


class AskForm(FlaskForm):
    kind = RadioField(_l("You ask for"), default="document", choices=select_choices(
        (k.value, label) for k, label in KIND_LABELS.items()))
    question = TextAreaField(_l("Your question to the member"),
                             validators=[Length(max=QUESTION_LENGTH)])
    blocks_sign_off = BooleanField(_l("Blocks the sign-off until it is closed"))


class AnswerForm(FlaskForm):
    response = TextAreaField(_l("Your answer"), validators=[Length(max=QUESTION_LENGTH)])
    revision = IntegerField(validators=[Optional()])


class SettleForm(FlaskForm):
    reason = TextAreaField(_l("What is still missing (to ask again)"),
                           validators=[Length(max=QUESTION_LENGTH)])
    revision = IntegerField(validators=[Optional()])
