"""Imports every model so that metadata (and Alembic) sees the whole schema."""

from compliance.actions.models import ActionEvidence, CorrectiveAction
from compliance.api.models import IdempotentRequest
from compliance.assessments.models import Answer, AnswerEvidence, Assessment
from compliance.audit import AuditEvent, AuditHead
from compliance.auth.models import LoginFailure, PasswordReset, ResetRequest, User
from compliance.campaigns.models import Campaign
from compliance.devices.models import DeviceStatement
from compliance.evidence.models import Evidence
from compliance.manual.models import Chapter, KeyMapping, ManualVersion, Requirement
from compliance.members.models import ConsultantAssignment, Member
from compliance.notifications.models import NotificationOptOut, SentNotification
from compliance.reminders.models import Notice, RecurringDuty, SentReminder
from compliance.requests_.models import MemberRequest, RequestFile
from compliance.reviews.models import AssessmentScore, PreAudit, RequirementVerdict
from compliance.tokens.models import ApiToken
from compliance.users.models import Invitation

__all__ = [
    "Invitation", "NotificationOptOut", "PasswordReset", "ResetRequest", "SentNotification",
    "Notice", "RecurringDuty", "SentReminder", "MemberRequest", "RequestFile",
    "ActionEvidence", "AssessmentScore", "CorrectiveAction", "PreAudit", "RequirementVerdict",
    "Answer", "AnswerEvidence", "Assessment", "AuditEvent", "AuditHead", "Campaign", "Chapter",
    "ConsultantAssignment", "Evidence", "LoginFailure", "ManualVersion", "Member",
    "Requirement", "User",
    "KeyMapping",
    "ApiToken", "IdempotentRequest",
    "DeviceStatement",
]
