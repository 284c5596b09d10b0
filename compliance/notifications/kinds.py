"""The kinds of notification: who gets each, and its words (in the recipient's language,
rendered when it is sent). Security messages (password reset) are not among them: they
are sent by compliance.auth and cannot be switched off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from compliance.auth.models import Role

Words = Callable[[dict[str, str]], str]
MEMBER = (Role.MEMBER_MANAGER,)
REVIEWERS = (Role.CONSULTANT, Role.STAFF, Role.ADMIN)
INVITERS = (Role.MEMBER_MANAGER, Role.STAFF, Role.ADMIN)


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # on the settings page
    roles: tuple[Role, ...]  # who may receive it (the settings page shows these)
    subject: Words
    line: Words


KINDS = {kind.name: kind for kind in (
    Kind("assessment_submitted", _l("A member submitted its self-assessment"), REVIEWERS,
         lambda p: _("%(member)s submitted its self-assessment", **p),
         lambda p: _("%(actor)s submitted the self-assessment of %(member)s for "
                     "%(campaign)s. It is ready for your pre-audit.", **p)),
    Kind("assessment_sent_back", _l("A self-assessment was sent back for changes"), MEMBER,
         lambda p: _("Changes requested on the self-assessment of %(member)s", **p),
         lambda p: _("%(actor)s sent the self-assessment for %(campaign)s back for "
                     "changes: %(reason)s", **p)),
    Kind("pre_audit_signed", _l("A pre-audit was signed off"), MEMBER,
         lambda p: _("The pre-audit of %(member)s is signed off", **p),
         lambda p: _("%(actor)s signed off the pre-audit of %(member)s for %(campaign)s. "
                     "The result and any corrective actions are in the application.", **p)),
    Kind("action_done", _l("A corrective action was marked done"), REVIEWERS,
         lambda p: _("%(member)s marked a corrective action done (%(requirement)s)", **p),
         lambda p: _("%(actor)s marked the corrective action on %(requirement)s done: "
                     "%(reason)s. It waits for your verification.", **p)),
    Kind("action_verified", _l("A corrective action was verified"), MEMBER,
         lambda p: _("Corrective action verified (%(requirement)s)", **p),
         lambda p: _("%(actor)s verified the corrective action of %(member)s on "
                     "%(requirement)s.", **p)),
    Kind("request_asked", _l("The consultant asks for a document or a clarification"),
         MEMBER,
         lambda p: _("Your consultant asks about %(requirement)s", **p),
         lambda p: _("%(actor)s asks %(member)s about %(requirement)s (%(campaign)s): "
                     "%(question)s", **p)),
    Kind("request_answered", _l("A member answered my request"), REVIEWERS,
         lambda p: _("%(member)s answered your request on %(requirement)s", **p),
         lambda p: _("%(actor)s answered your request on %(requirement)s for %(campaign)s. "
                     "Read the answer, then close the request or ask again.", **p)),
    Kind("invitation_accepted", _l("Someone I invited accepted the invitation"), INVITERS,
         lambda p: _("%(invitee)s accepted your invitation", **p),
         lambda p: _("%(invitee)s (%(email)s) accepted your invitation and can now log "
                     "in.", **p)),
)}


def kinds_for(role: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if Role(role) in kind.roles]
