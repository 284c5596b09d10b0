from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from compliance.forms import select_choices
from compliance.reviews.models import VERDICT_LABELS


class VerdictForm(FlaskForm):
    verdict = RadioField(_l("Verdict"), validators=[Optional()], choices=select_choices(
        (v.value, label) for v, label in VERDICT_LABELS.items()))
    reason = TextAreaField(_l("Why it does not apply"), validators=[Length(max=5000)])
    comment = TextAreaField(_l("Finding"), validators=[Length(max=5000)])
    change_request = TextAreaField(_l("What the member must change"),
                                   validators=[Length(max=5000)])
    revision = IntegerField(validators=[Optional()])  # 0 when there was no verdict yet


class SignOffForm(FlaskForm):
    signed_by_name = StringField(_l("Name of the signing consultant"),
                                 validators=[DataRequired(), Length(max=200)])
    signed_on = DateField(_l("Date"), validators=[DataRequired()])


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen the pre-audit?"),
                           validators=[DataRequired(), Length(max=5000)])
