from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from compliance.forms import CheckboxesField, select_choices
from compliance.members.models import REGION_LABELS
from compliance.profile import ACTIVITY_LABELS


class MemberProfileForm(FlaskForm):
    name = StringField(_l("Workshop name"), validators=[DataRequired(), Length(max=200)])
    enterprise_number = StringField(
        _l("Enterprise number"), validators=[DataRequired(), Length(max=20)],
        description=_l("The KBO/BCE number, e.g. 0123.456.749."),
    )
    region = SelectField(_l("Region"), choices=select_choices(
        (r.value, label) for r, label in REGION_LABELS.items()))
    activities = CheckboxesField(
        _l("Activity profile"),
        choices=select_choices((a.value, label) for a, label in ACTIVITY_LABELS.items()),
        description=_l("Decides which requirements of the manual apply."),
    )


class MemberForm(MemberProfileForm):
    code = StringField(_l("Short code"), validators=[DataRequired(), Length(max=20)],
                       description=_l(
                           "2 to 20 capital letters, digits or dashes, e.g. ORTHO-GENT."))


class MemberEditForm(MemberProfileForm):
    """Staff edit a member's profile; saved with the revision it was loaded at."""

    revision = IntegerField(widget=HiddenInput())


class AssignmentForm(FlaskForm):
    consultants = CheckboxesField(_l("Consultants assigned"),
                                  coerce=int,
                                  description=_l("They see and review this member only."))
