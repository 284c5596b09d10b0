"""The JSON API under /api/v1, for the practice software of the workshops: token
authentication (compliance.tokens), problem details, pagination, ETags, and an OpenAPI
3.1 document assembled from the operations themselves (core.py). Each module of
``MODULES`` declares its operations with ``@api_operation``; see docs/api.md."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: The modules whose operations make up /api/v1 (imported by create_app). A new module
#: adds its name here.
MODULES = ("compliance.api.reads", "compliance.api.evidence", "compliance.api.actions",
           "compliance.api.statements",
           "compliance.api.openapi")
