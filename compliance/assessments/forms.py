from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from compliance.assessments.models import STATUS_LABELS
from compliance.forms import select_choices


class AnswerForm(FlaskForm):
    """One answer; the page renders many of these by hand for speed, this validates them."""

    status = RadioField(_l("Answer"), validators=[Optional()],
                        choices=select_choices((s.value, label)
                                               for s, label in STATUS_LABELS.items()))
    justification = TextAreaField(_l("Why it does not apply"), validators=[Length(max=5000)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    revision = IntegerField(validators=[InputRequired()])


class IncludeForm(FlaskForm):
    justification = TextAreaField(_l("Why it applies to you"),
                                  validators=[DataRequired(), Length(max=5000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class LinkForm(FlaskForm):
    evidence_id = IntegerField(validators=[DataRequired()])
