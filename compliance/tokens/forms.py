from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from compliance.forms import CheckboxesField, select_choices
from compliance.tokens.models import SCOPES
from compliance.tokens.services import NAME_LENGTH


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_LENGTH)],
                       description=_l("The software that will use it, e.g. “OrthoSoft "
                                      "workshop PC”."))
    scopes = CheckboxesField(_l("Scopes"), choices=select_choices(SCOPES.items()),
                             default=["read"],
                             description=_l("What the token may do; give it no more than "
                                            "the software needs."))
