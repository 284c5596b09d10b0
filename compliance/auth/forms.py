from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from compliance.auth.passwords import MIN_LENGTH
from compliance.forms import select_choices
from compliance.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024)],
        description=_l("At least %(num)d characters.", num=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
    )


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=select_choices(LANGUAGE_NAMES.items()))
    next = HiddenField()


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
