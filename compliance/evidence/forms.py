from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Files"))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("Leave empty to use the file name."))
    document_date = DateField(_l("Document date"), validators=[Optional()])
    expiry_date = DateField(_l("Expiry date"), validators=[Optional()])
    version_note = StringField(_l("Version note"), validators=[Optional(), Length(max=200)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is it withdrawn?"), validators=[DataRequired(),
                                                                   Length(max=2000)])
