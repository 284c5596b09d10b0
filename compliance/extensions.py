"""Flask extensions, created without an app and bound in create_app().

Flask-Migrate is bound by compliance.init_migrations, only where migrations are used:
importing it imports Alembic, which would slow every command down."""

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from compliance.db import Base
from compliance.i18n import DATE_FORMATS

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel(date_formats=DATE_FORMATS)
# Pages go compressed (gzip, Brotli or zstd as the browser accepts): the checklist is
# long and repetitive. Downloads (send_file) are passed through as they are.
compress = Compress()
