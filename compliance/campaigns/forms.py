from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from compliance.forms import CheckboxesField, select_choices
from compliance.members.models import REGION_LABELS
from compliance.profile import ACTIVITY_LABELS

MODE_LABELS = {
    "all": _l("All members"),
    "region": _l("Members of the regions below"),
    "activity": _l("Members with one of the activities below"),
    "members": _l("The members picked below"),
}


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("Shown to readers whose language has no title below."))
    title_fr = StringField(_l("Title in French"), validators=[Length(max=200)])
    title_nl = StringField(_l("Title in Dutch"), validators=[Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)])
    manual_version = SelectField(_l("Manual version"), coerce=int)
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    mode = RadioField(_l("Members asked"), default="all",
                      choices=select_choices(MODE_LABELS.items()))
    regions = CheckboxesField(_l("Regions"), choices=select_choices(
        (r.value, label) for r, label in REGION_LABELS.items()))
    activities = CheckboxesField(_l("Activities"), choices=select_choices(
        (a.value, label) for a, label in ACTIVITY_LABELS.items()))
    members = CheckboxesField(_l("Members"))
    carry_over = BooleanField(
        _l("Start from each member's previous assessment"),
        description=_l("Earlier answers and evidence come over marked 'to confirm'."))
