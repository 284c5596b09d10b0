"""Imports every model so that metadata (and Alembic) sees the whole schema."""

from compliance.auth.models import LoginFailure, User
from compliance.manual.models import Chapter, ManualVersion, Requirement
from compliance.members.models import ConsultantAssignment, Member

__all__ = [
    "Chapter", "ConsultantAssignment", "LoginFailure", "ManualVersion", "Member",
    "Requirement", "User",
]
