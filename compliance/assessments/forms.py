from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from compliance.assessments.models import STATUS_LABELS
from compliance.forms import select_choices

#: The longest justification or comment; the fields carry it as their maxlength.
NOTE_LENGTH = 5000
TOO_LONG = _l("At most %(max)d characters.")


class AnswerForm(FlaskForm):
    """One requirement's row; the page renders many of these by hand for speed, this
    validates them. Its CSRF token is checked by the view, so that an expired page comes
    back with the input kept."""

    class Meta:
        csrf = False

    status = RadioField(_l("Answer"), validators=[Optional()],
                        choices=select_choices((s.value, label)
                                               for s, label in STATUS_LABELS.items()))
    justification = TextAreaField(_l("Why it does not apply"),
                                  validators=[Length(max=NOTE_LENGTH, message=TOO_LONG)])
    comment = TextAreaField(_l("Comment"),
                            validators=[Length(max=NOTE_LENGTH, message=TOO_LONG)])
    revision = IntegerField(validators=[InputRequired()])


class IncludeForm(FlaskForm):
    justification = TextAreaField(_l("Why it applies to you"),
                                  validators=[DataRequired(),
                                              Length(max=NOTE_LENGTH, message=TOO_LONG)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
