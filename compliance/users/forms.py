from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from compliance.auth.passwords import MIN_LENGTH
from compliance.forms import CheckboxesField, select_choices
from compliance.i18n import LANGUAGE_NAMES


class UserForm(FlaskForm):
    """Staff create an account; member and assignments depend on the role."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"))
    member = SelectField(_l("Member"), validators=[Optional()],
                         description=_l("Required for member managers and contributors."))
    locale = SelectField(_l("Language"),
                         choices=select_choices([("", "—"), *LANGUAGE_NAMES.items()]),
                         validators=[Optional()])
    password = PasswordField(
        _l("Initial password"), validators=[Optional(), Length(min=MIN_LENGTH, max=1024)],
        description=_l("Leave empty to generate one; it is shown once."),
    )


class StaffUserForm(UserForm):
    assigned = CheckboxesField(coerce=int)
