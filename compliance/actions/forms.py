from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from compliance.forms import CheckboxesField


class ActionForm(FlaskForm):
    description = TextAreaField(_l("Action"), validators=[DataRequired(), Length(max=5000)])
    owner = SelectField(_l("Owner"), coerce=int)
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # as loaded


class CloseForm(FlaskForm):
    closure_note = TextAreaField(_l("What was done"),
                                 validators=[DataRequired(), Length(max=5000)])
    evidence = CheckboxesField(_l("Evidence that it was done"), coerce=int)


class ReopenActionForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen it?"), validators=[DataRequired(), Length(max=5000)])
