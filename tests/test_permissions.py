"""Every route × every role × own and foreign member.

Each endpoint has a kind that says who may use it. The test fails when a route is added
without a kind, so a new page cannot slip through unchecked. Another member's objects
answer 404 (their existence is not revealed); pages of a role one does not have, 403.
"""

import importlib
import io
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from compliance.actions.models import CorrectiveAction
from compliance.api import MODULES as API_MODULES
from compliance.api.core import OPERATIONS
from compliance.assessments.models import Assessment
from compliance.auth.models import User
from compliance.devices.services import receive_statements
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.members.models import Member
from compliance.requests_.models import MemberRequest
from compliance.reviews.models import PreAudit, RequirementVerdict
from compliance.tokens.services import create_token
from compliance.users.invitations import invite
from tests import factories
from tests.conftest import login, post

KINDS = {
    "static": "public", "auth.login": "public", "auth.set_language": "public",
    "home.health": "public", "metrics": "public",  # /metrics: from this machine
    "home.index": "login", "auth.account": "login", "auth.change_password": "login",
    "auth.logout": "login", "manual.index": "login", "manual.version": "login",
    "manual.chapter": "login", "manual.changes": "login", "assessments.index": "login",
    "members.index": "staff", "members.create": "staff", "members.show": "staff",
    "users.index": "staff", "users.create": "staff", "users.set_active": "staff",
    "campaigns.index": "staff", "campaigns.create": "staff", "campaigns.show": "staff",
    "assessments.show": "member_read", "assessments.answers": "member_read",
    "assessments.history": "member_read", "evidence.download": "member_read",
    "evidence.index": "member_read",
    "assessments.save_answer": "member_write", "assessments.include": "member_write",
    "assessments.upload": "member_write", "assessments.link": "member_write",
    "assessments.unlink": "member_write", "assessments.submit": "manager_write",
    "assessments.confirm": "member_write", "assessments.answer_evidence": "member_read",
    "evidence.withdraw": "member_write", "evidence.upload": "member_write",
    "assessments.send_back": "review",
    "reviews.review": "reviewer_read", "reviews.save_verdict": "review",
    "reviews.complete": "review", "reviews.reopen": "staff_reopen",
    "reviews.save_verdicts": "review", "requests_.ask": "review",
    "requests_.show": "member_read", "requests_.answer": "member_write",
    "requests_.settle": "reviewer_write",
    "actions.index": "login", "actions.show": "member_read", "actions.start": "manager_write",
    "actions.done": "manager_write", "actions.verify": "reviewer_write",
    "actions.reopen": "reviewer_write",
    "dashboard.sector": "sector", "dashboard.sector_csv": "sector",
    "reminders.notices": "login", "reminders.mark_read": "login",
    "reminders.settings": "login", "reminders.renew_calendar": "login",
    "reminders.calendar": "secret_url", "reminders.duties": "member_read",
    "reports.index": "login", "reports.generate": "login",
    "reports.self_assessment": "member_read", "reports.pre_audit": "pre_audit_report",
    "reports.sector": "sector",
    "auth.save_profile": "login", "auth.forgot_password": "public",
    "auth.reset_password": "secret_url", "users.accept": "secret_url",
    "users.edit": "staff", "users.invitations_page": "staff", "users.locks": "staff",
    "users.lift": "staff", "members.edit": "staff", "notifications.settings": "login",
    "users.team": "manager_page", "users.resend": "team_write", "users.revoke": "team_write",
    "users.remove_contributor": "team_write",
    "tokens.index": "token_page", "tokens.create": "manager_page", "tokens.revoke": "team_write",
    "api.openapi_json": "public", "api.reference": "public",
    "devices.index": "login", "devices.register": "member_read", "devices.export": "member_read",
    "devices.show": "member_read", "devices.pdf": "member_read",
}
# Every API operation answers a token only: a browser's session is not one (401).
for _module in API_MODULES:
    importlib.import_module(_module)  # their operations, as create_app imports them
KINDS.update({f"api.{op.operation_id}": "api_token" for op in OPERATIONS if op.scope})
STATE_FOR = {"review": "submitted", "staff_reopen": "pre_audited",
             "pre_audit_report": "pre_audited"}
ROLES = ["anonymous", "manager", "contributor", "consultant", "staff", "admin"]


@pytest.fixture
def world(app, db, people, assessments):
    """Objects of MEM-A and MEM-B: assessment, an answer, an evidence file each."""
    with app.app_context():
        values = {}
        for code, key in (("MEM-A", "a"), ("MEM-B", "b")):
            assessment = db.session.get(Assessment, assessments[key])
            manager = db.session.scalar(select(User).where(User.member_id == assessment.member_id,
                                                           User.role == "member_manager"))
            evidence = upload_evidence(assessment.member, filename=f"{key}.pdf",
                                       stream=io.BytesIO(factories.pdf_bytes(key)), title=key,
                                       document_date=None, expiry_date=None,
                                       version_note=None, actor=manager)
            answer = assessment.answers[0]
            verdict = RequirementVerdict(answer=answer, verdict="minor_nc")
            db.session.add(verdict)
            db.session.flush()
            action = CorrectiveAction(verdict_id=verdict.id, assessment_id=assessment.id,
                                      member_id=assessment.member_id, severity="minor_nc",
                                      requirement_key=answer.requirement_key,
                                      description="fix it", due_date=date.today())
            db.session.add(action)
            request = MemberRequest(assessment_id=assessment.id, answer_id=answer.id,
                                    member_id=assessment.member_id, kind="document",
                                    requirement_key=answer.requirement_key, question="Why?")
            db.session.add(request)
            db.session.flush()
            [received] = receive_statements(assessment.member, [{"external_id": key}],
                                            actor_label="test")
            values[code] = {
                "request_id": request.id,
                "statement_id": received.statement.id,
                "assessment_id": assessment.id, "answer_id": answer.id,
                "evidence_id": evidence.id, "member_id": assessment.member_id,
                "member": assessment.member_id, "action_id": action.id,
            }
        a, b = (db.session.get(Member, values[c]["member_id"]) for c in ("MEM-A", "MEM-B"))
        for code, member in (("MEM-A", a), ("MEM-B", b)):
            contributor = factories.user(f"spare@{code.lower()}.example", "member_contributor",
                                         member=member)
            invitation, _ = invite(email=f"invited@{code.lower()}.example", name="Invited",
                                   role="member_contributor", member=member, actor=None)
            manager = db.session.scalar(select(User).where(User.member_id == member.id,
                                                           User.role == "member_manager"))
            token, _secret = create_token(member, name="PMS", scopes=["read"], actor=manager)
            values[code].update(contributor_id=contributor.id, invitation_id=invitation.id,
                                token_id=token.id)
        for code in values:
            values[code].update(campaign_id=assessments["campaign"],
                                version_id=assessments["version"], key="ORG",
                                filename="app.css", token="not-a-real-token",
                                user_id=db.session.scalar(select(User.id).where(
                                    User.email == "contributor@a.example")))
        db.session.commit()
        return values


def build_url(app, endpoint, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        args = {name: values[name] for name in rule.arguments}
        if endpoint in ("evidence.index", "evidence.upload", "reminders.duties"):
            args["member"] = values["member"]
        return url_for(endpoint, **args), ("GET" if "GET" in rule.methods else "POST")


def expected(kind, role, own):
    """'ok' (allowed), 'login', 403 or 404."""
    if kind == "public":
        return "ok"
    if kind == "secret_url":  # a wrong secret is a 404 for everyone
        return 404
    if kind == "api_token":  # no token: 401, whoever is logged in
        return 401
    if role == "anonymous":
        return "login"
    staff = role in ("staff", "admin")
    if kind == "login":
        return "ok"
    if kind == "staff":
        return "ok" if staff else 403
    if kind == "manager_page":
        return "ok" if role == "manager" else 403
    if kind == "token_page":
        return "ok" if role in ("manager", "staff", "admin") else 403
    if kind == "sector":
        return "ok" if role in ("consultant", "staff", "admin") else 403
    sees = staff or own
    if not sees:
        return 404
    if kind in ("member_read", "pre_audit_report"):
        return "ok"
    if kind == "member_write":
        return "ok" if role in ("manager", "contributor") else 403
    if kind == "manager_write":
        return "ok" if role == "manager" else 403
    if kind in ("review", "reviewer_read", "reviewer_write"):
        return "ok" if role in ("consultant", "staff", "admin") else 403
    if kind == "team_write":  # a manager's own workshop's team, or staff
        return "ok" if staff or role == "manager" else 403
    if kind == "staff_reopen":
        return "ok" if staff else 403
    raise AssertionError(kind)


def test_every_route_has_a_kind(app):
    assert {r.endpoint for r in app.url_map.iter_rules()} == set(KINDS)


def form_for(endpoint, values):
    """Enough of a form that an allowed request passes validation."""
    return {"evidence": values["evidence_id"]} if endpoint == "assessments.link" else {}


def allowed(endpoint, response) -> bool:
    got = response.status_code
    to_login = got == 302 and "/login" in response.headers.get("Location", "")
    if endpoint == "auth.logout":
        return to_login  # logging out lands on the login page
    return got not in (401, 403, 404, 500) and not to_login


@pytest.mark.parametrize("endpoint", sorted(KINDS))
def test_route_for_every_role_own_and_foreign(app, client, people, world, endpoint):
    state = STATE_FOR.get(KINDS[endpoint])
    if state:  # reviewing needs a submitted assessment, reopening a completed one
        with app.app_context():
            for assessment in db.session.scalars(select(Assessment)):
                assessment.state = state
                assessment.pre_audit = PreAudit(signed_by_name="X", signed_on=date.today())
            db.session.commit()
    failures = []
    for role in ROLES:
        for target, own_for in (("MEM-A", True), ("MEM-B", False)):
            client.delete_cookie("session")
            if role != "anonymous":
                assert login(client, people[role]).status_code == 302
            url, method = build_url(app, endpoint, world[target])
            response = client.get(url) if method == "GET" else \
                post(client, url, form_for(endpoint, world[target]))
            response.close()
            want = expected(KINDS[endpoint], role, own_for)
            got = response.status_code
            if want == "login":
                ok = got == 302 and "/login" in response.headers.get("Location", "")
            elif want == "ok":
                ok = allowed(endpoint, response)
            else:
                ok = got == want
            if not ok:
                failures.append(f"{role} on {target}: {method} {url} → {got}, expected {want}")
    assert not failures, "\n".join(failures)


def test_a_consultant_of_other_members_gets_404(app, client, people, world):
    with app.app_context():
        member_b = db.session.scalar(select(Member).where(Member.code == "MEM-B"))
        factories.user("other.consultant@x.example", "consultant", assigned=[member_b])
        db.session.commit()
    login(client, "other.consultant@x.example")
    values = world["MEM-A"]
    for endpoint in ("assessments.show", "assessments.answers", "assessments.history",
                     "evidence.download", "evidence.index"):
        url, _ = build_url(app, endpoint, values)
        response = client.get(url)
        response.close()
        assert response.status_code == 404, url
    url, _ = build_url(app, "assessments.show", world["MEM-B"])
    assert client.get(url).status_code == 200
