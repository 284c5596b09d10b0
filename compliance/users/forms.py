from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import HiddenInput

from compliance.auth.forms import NewPasswordForm
from compliance.forms import CheckboxesField, select_choices
from compliance.i18n import LANGUAGE_NAMES

LANGUAGE_CHOICES = select_choices([("", "—"), *LANGUAGE_NAMES.items()])


class InvitationForm(FlaskForm):
    """Staff invite someone; member and assignments depend on the role."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"))
    member = SelectField(_l("Member"), validators=[Optional()],
                         description=_l("Required for member managers and contributors."))
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()],
                         description=_l("The invitation e-mail is written in it."))
    assigned = CheckboxesField(coerce=int)


class ContributorInvitationForm(FlaskForm):
    """A member manager invites a contributor of their own workshop."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()],
                         description=_l("The invitation e-mail is written in it."))


class AcceptForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"))
    member = SelectField(_l("Member"), validators=[Optional()],
                         description=_l("Required for member managers and contributors."))
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    active = BooleanField(_l("Can log in"))
    revision = IntegerField(widget=HiddenInput())
