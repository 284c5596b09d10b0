"""Flask extensions, created without an app and bound in create_app().

Flask-Migrate is bound by compliance.init_migrations, only where migrations are used:
importing it imports Alembic, which would slow every command down."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from compliance.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
