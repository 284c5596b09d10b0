"""What the features announce, so that the features above them can react without being
imported by them (layers point one way: see the README's development section).

Each signal is sent inside the request's transaction, after the change, by the feature
that owns the object; receivers (in the ``listeners.py`` of a higher feature, connected
by ``create_app``) may change their own rows in the same transaction, never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the Campaign; kwargs: members (list), carry_over (bool), actor.
#: The assessments feature creates one assessment per member.
campaign_created = _signals.signal("campaign-created")

#: sender: the Assessment; kwargs: transition (name), actor, reason.
assessment_transitioned = _signals.signal("assessment-transitioned")

#: sender: the PreAudit; kwargs: transition (name), actor, reason.
pre_audit_transitioned = _signals.signal("pre-audit-transitioned")

#: sender: the CorrectiveAction; kwargs: transition (name), actor, reason.
action_transitioned = _signals.signal("action-transitioned")

#: sender: the Member; kwargs: before (dict), actor. Sent when a member's profile changed.
member_changed = _signals.signal("member-changed")

#: sender: the Assessment; kwargs: user, panels (a list to append Panel objects to).
#: Features above assessments add what they know about it to its overview page.
assessment_panels = _signals.signal("assessment-panels")

#: sender: the Campaign; kwargs: user, panels. The campaign's page shows what the
#: features above campaigns add (the members' assessments and their progress).
campaign_panels = _signals.signal("campaign-panels")

#: sender: the Invitation; kwargs: user (the account just made). The invitee accepted.
invitation_accepted = _signals.signal("invitation-accepted")

#: sender: the Assessment; kwargs: user, panels. The assessment's history page shows what
#: the features above add: its events told as sentences (compliance.history).
assessment_history_panels = _signals.signal("assessment-history-panels")

#: sender: the Assessment; kwargs: user, editable, panels. The review page shows what the
#: features above reviews add: panels in the "main" slot above the requirements, and in
#: the "row" slot a panel whose context's ``by_answer`` maps an answer id to the HTML
#: shown on that requirement's row (the requests to the member, compliance.requests_).
review_panels = _signals.signal("review-panels")

#: sender: the MemberRequest; kwargs: transition ("ask", or a transition of its
#: workflow), actor, reason. The notifications tell the member and the consultant.
request_transitioned = _signals.signal("request-transitioned")

#: sender: the Assessment; kwargs: problems (a list to append messages to). Sent before a
#: pre-audit is signed off: a message appended refuses the sign-off (a request to the
#: member that the consultant said must be settled first, compliance.requests_).
pre_audit_completing = _signals.signal("pre-audit-completing")

#: sender: the user; kwargs: panels. The start page shows what the features add (a
#: member's open requests).
home_panels = _signals.signal("home-panels")
#: sender: the Assessment; kwargs: user, requirement_ids (those on the page), review
#: (bool: the pre-audit's page), facts (a dict requirement id → list of Panel objects to
#: append to). Features above add what they know beside a
#: requirement's answer: the device statements register's figures (compliance.devices).
requirement_facts = _signals.signal("requirement-facts")
