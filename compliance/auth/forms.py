from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import HiddenInput

from compliance.auth.passwords import MIN_LENGTH
from compliance.forms import select_choices
from compliance.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class NewPasswordForm(FlaskForm):
    """Choosing a password: through an invitation, a reset link or one's account."""

    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024)],
        description=_l("At least %(num)d characters.", num=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
    )


class PasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=select_choices(LANGUAGE_NAMES.items()))
    next = HiddenField()


class ProfileForm(FlaskForm):
    """A person's own name and language, saved with the revision it was loaded at."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=select_choices(LANGUAGE_NAMES.items()))
    revision = IntegerField(widget=HiddenInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(), Email(), Length(max=254)])
