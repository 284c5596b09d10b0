"""The demo's history, told in order through the application's own services: each step
runs at its moment (``clock.at``), so every timestamp, audit event and due date falls
where it would have — a campaign a year ago, pre-audited, with actions some members
never finished (now overdue), then this year's campaign: DEMO-B answers, submits, is
reviewed, then signed; DEMO-A is halfway; DEMO-C, which joined the association since,
submitted last week and waits for the consultant's pre-audit.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from compliance import clock
from compliance.actions.models import CorrectiveAction
from compliance.actions.services import complete_action, start_action, verify_action
from compliance.assessments.models import Assessment
from compliance.assessments.services import link_evidence, save_answer, submit_assessment
from compliance.auth.models import User
from compliance.campaigns.services import create_campaign
from compliance.demo.findings import (
    CLOSURES,
    DEMO_A_2025,
    DEMO_B_2025,
    DEMO_B_2026,
    DEMO_C_2026,
    NOT_APPLICABLE_REASONS,
    Finding,
)
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.manual.models import ManualVersion
from compliance.reminders.duties import record_duty
from compliance.reviews.services import VerdictInput, complete_pre_audit, save_verdicts

CAMPAIGN_TITLE = "Self-assessment 2026"
CAMPAIGN_TITLES = {"fr": "Auto-évaluation 2026", "nl": "Zelfevaluatie 2026",
                   "en": CAMPAIGN_TITLE}
EARLIER_TITLE = "Self-assessment 2025"
EARLIER_TITLES = {"fr": "Auto-évaluation 2025", "nl": "Zelfevaluatie 2025",
                  "en": EARLIER_TITLE}
HISTORY_DAYS = 440  # the association, its members and users are set up then
CONSULTANT, STAFF = "consultant@demo.example", "staff@demo.example"
MANAGERS = {"DEMO-A": "manager.a@demo.example", "DEMO-B": "manager.b@demo.example",
            "DEMO-C": "manager.c@demo.example"}
LANGUAGES = {"DEMO-A": "nl", "DEMO-B": "fr", "DEMO-C": "fr"}
JOINED = {"DEMO-C": 200}  # days ago; the others are there from the start (HISTORY_DAYS)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@contextmanager
def days_ago(days: int, hour: int = 10) -> Iterator[datetime]:
    """Run the block on that day, at that hour in Brussels (days ≥ 1: never in the future)."""
    day = clock.today() - timedelta(days=days)
    with clock.at(datetime.combine(day, time(hour), tzinfo=clock.BRUSSELS)) as moment:
        yield moment


# a year ago ------------------------------------------------------------------------------

#: (member, key) → the action's steps: (step, days ago); no step: still open
EARLIER_ACTIONS = {
    ("DEMO-A", "DES-01"): (("start", 375), ("complete", 360), ("verify", 350)),
    ("DEMO-A", "INF-04"): (("start", 370), ("complete", 330), ("verify", 320)),
    ("DEMO-A", "TRC-02"): (("start", 340), ("complete", 300), ("verify", 290)),
    ("DEMO-A", "PUR-05"): (("start", 340),),
    ("DEMO-B", "HR-09"): (("start", 378), ("complete", 365), ("verify", 360)),
    ("DEMO-B", "INF-08"): (("start", 360), ("complete", 340), ("verify", 330)),
    ("DEMO-B", "BEL-04"): (("start", 379), ("complete", 370), ("verify", 368)),
    ("DEMO-B", "PMS-06"): (("start", 350),),
}


def earlier_campaign(version: ManualVersion) -> None:
    """Last year's campaign: both members answered, submitted and were pre-audited;
    DEMO-A's internal audit programme and DEMO-B's management review were never put
    right (overdue ever since), a few actions still in progress."""
    with days_ago(430):
        campaign = create_campaign(
            title=EARLIER_TITLE, titles=EARLIER_TITLES, manual_version=version,
            due_date=clock.today() + timedelta(days=60), mode="all", values=[],
            carry_over=False, actor=user(STAFF))
    by_member = {a.member.code: a for a in campaign.assessments}
    a, b = by_member["DEMO-A"], by_member["DEMO-B"]
    manager_a, manager_b = user(MANAGERS["DEMO-A"]), user(MANAGERS["DEMO-B"])
    with days_ago(410, 9):
        answer_all(a, manager_a, DEMO_A_2025)
    with days_ago(405, 9):
        answer_all(b, manager_b, DEMO_B_2025)
    with days_ago(400, 16):
        submit_assessment(a, actor=manager_a)
    with days_ago(396, 16):
        submit_assessment(b, actor=manager_b)
    review(a, DEMO_A_2025, 385, 383)
    review(b, DEMO_B_2025, 381, 380)
    follow_up(campaign.assessments, EARLIER_ACTIONS)


# this year -------------------------------------------------------------------------------

THIS_YEAR_ACTIONS = {
    ("DEMO-B", "ORG-07"): (("start", 36), ("complete", 22), ("verify", 12)),
    ("DEMO-B", "QMS-05"): (("start", 38), ("complete", 30)),
    ("DEMO-B", "MGT-01"): (("start", 35),),
    ("DEMO-B", "PRD-05"): (("start", 33),),
}


def this_campaign(version: ManualVersion) -> None:
    """The open campaign: DEMO-B answered with evidence, submitted, was reviewed and
    signed 40 days ago (actions in several states); DEMO-A is about half answered;
    DEMO-C answered with evidence and submitted 6 days ago: the consultant's pre-audit
    to do. Each step after the one before: the audit trail reads in order of time."""
    with days_ago(70):
        campaign = create_campaign(
            title=CAMPAIGN_TITLE, titles=CAMPAIGN_TITLES, manual_version=version,
            due_date=clock.today() + timedelta(days=115), mode="all", values=[],
            carry_over=False, actor=user(STAFF))
    by_member = {a.member.code: a for a in campaign.assessments}
    manager_b = user(MANAGERS["DEMO-B"])
    with days_ago(60, 9):
        answer_all(by_member["DEMO-B"], manager_b, DEMO_B_2026, evidence=60)
    with days_ago(52, 17):
        submit_assessment(by_member["DEMO-B"], actor=manager_b)
    manager_a = user(MANAGERS["DEMO-A"])
    with days_ago(50, 14):
        answer_half(by_member["DEMO-A"], manager_a)
    review(by_member["DEMO-B"], DEMO_B_2026, 45, 40)
    follow_up([by_member["DEMO-B"]], THIS_YEAR_ACTIONS)
    if "DEMO-C" in by_member:
        manager_c = user(MANAGERS["DEMO-C"])
        with days_ago(10, 9):  # after DEMO-B's last step: the trail reads in order
            answer_all(by_member["DEMO-C"], manager_c, DEMO_C_2026, evidence=10)
        with days_ago(6, 16):
            submit_assessment(by_member["DEMO-C"], actor=manager_c)
    for key, months_ago in (("MGT-01", 11), ("MGT-02", 13), ("INF-04", 6), ("BEL-03", 12)):
        record_duty(by_member["DEMO-A"].member, key,
                    clock.today() - relativedelta(months=months_ago), actor=manager_a,
                    today=clock.today())


# the steps -------------------------------------------------------------------------------

MEMBER_TEXTS = {
    "nl": {"not_applicable": "Geen activiteit van dit type in ons atelier.",
           "partial": ("Opgevolgd in het kwaliteitsoverleg.", "Procedure in opmaak.",
                       "Gedaan voor zolen, nog niet voor orthesen.")},
    "fr": {"not_applicable": "Aucune activité de ce type dans notre atelier.",
           "partial": ("Suivi lors de la réunion qualité.", "Procédure en cours de rédaction.",
                       "Fait pour les orthèses, pas encore pour les prothèses.",
                       "Nous attendons le document du fournisseur.")},
}


def member_status(index: int, key: str, findings: dict[str, Finding]) -> str:
    """The member's own answer: as the finding says, else compliant, with one
    requirement in seven not applicable to the workshop."""
    if key in findings:
        return findings[key][0]
    return "not_applicable" if index % 7 == 6 else "compliant"


def answer_all(assessment: Assessment, actor: User, findings: dict[str, Finding], *,
               evidence: int | None = None) -> None:
    """Every requirement answered; ``evidence``: files uploaded that many days ago and
    linked to every fifth answer (None: no files)."""
    texts = MEMBER_TEXTS[LANGUAGES[assessment.member.code]]
    files = demo_files(assessment, actor, evidence) if evidence is not None else []
    partials = 0
    for i, answer in enumerate(a for a in assessment.answers if a.included):
        status = member_status(i, answer.requirement_key, findings)
        comment = None
        if status in ("partial", "not_compliant"):
            comment, partials = texts["partial"][partials % len(texts["partial"])], partials + 1
        save_answer(answer, status=status, revision=answer.revision, actor=actor,
                    justification=texts["not_applicable"] if status == "not_applicable"
                    else None, comment=comment)
        if files and i % 5 == 0 and status != "not_applicable":
            link_evidence(answer, files[i // 5 % len(files)], actor=actor)


def review(assessment: Assessment, findings: dict[str, Finding], reviewed: int,
           signed: int) -> None:
    """The consultant's verdicts on the day of the visit, then the sign-off days later."""
    consultant = user(CONSULTANT)
    reasons = NOT_APPLICABLE_REASONS[LANGUAGES[assessment.member.code]]
    inputs = []
    for i, answer in enumerate(a for a in assessment.answers if a.included):
        verdict, finding = findings.get(answer.requirement_key, ("", "conform", None))[1:]
        reason = None
        if answer.status == "not_applicable":
            verdict, reason = "not_applicable", reasons[i % len(reasons)]
        inputs.append(VerdictInput(answer, verdict, reason=reason, comment=finding))
    with days_ago(reviewed, 11):  # as the review page saves them: the scores once
        save_verdicts(assessment, inputs, actor=consultant)
    with days_ago(signed, 15) as moment:
        complete_pre_audit(assessment, signed_by_name=consultant.name,
                           signed_on=moment.astimezone(clock.BRUSSELS).date(),
                           actor=consultant)


def follow_up(assessments: list[Assessment], plan: dict) -> None:  # noqa: ANN001
    """Each planned action's steps, in the order they happened."""
    steps = []
    for assessment in assessments:
        code = assessment.member.code
        for action in db.session.scalars(select(CorrectiveAction).where(
                CorrectiveAction.assessment_id == assessment.id)):
            for step, days in plan.get((code, action.requirement_key), ()):
                steps.append((-days, action.id, step, action, code))
    for minus_days, _id, step, action, code in sorted(steps, key=lambda s: s[:3]):
        manager = user(MANAGERS[code])
        with days_ago(-minus_days, 14):
            if step == "start":
                start_action(action, actor=manager)
            elif step == "complete":
                note = CLOSURES.get((code, action.requirement_key), "—")
                complete_action(action, closure_note=note, evidence=[], actor=manager)
            else:
                verify_action(action, actor=user(CONSULTANT))


STATUS_CYCLE = ("compliant", "compliant", "partial", "compliant", "not_compliant",
                "compliant", "not_applicable")


def answer_half(assessment: Assessment, actor: User) -> None:
    """DEMO-A's work in progress: half the requirements answered, some with evidence."""
    included = [a for a in assessment.answers if a.included]
    files = demo_files(assessment, actor, 50)
    texts = MEMBER_TEXTS["nl"]
    for i, answer in enumerate(included[: round(len(included) * 0.5)]):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        save_answer(answer, status=status, revision=answer.revision, actor=actor,
                    justification=texts["not_applicable"] if status == "not_applicable"
                    else None,
                    comment=texts["partial"][i % 3] if status == "partial" else None)
        if i % 5 == 0:
            link_evidence(answer, files[i // 5 % len(files)], actor=actor)


DEMO_FILES = {
    "nl": (("Kwaliteitshandboek", "kwaliteitshandboek.pdf", "Kwaliteitshandboek — versie 3"),
           ("Aanstelling PRRC", "aanstelling-prrc.pdf", "Aanstelling van de PRRC"),
           ("Verzekeringsattest 2026", "verzekering-2026.pdf",
            "Attest burgerlijke aansprakelijkheid")),
    "fr": (("Manuel qualité", "manuel-qualite.pdf", "Manuel qualité — version 3"),
           ("Désignation du PRRC", "designation-prrc.pdf", "Désignation du PRRC"),
           ("Attestation d'assurance 2026", "assurance-2026.pdf",
            "Attestation responsabilité civile")),
}


def demo_files(assessment: Assessment, actor: User, uploaded_days_ago: int) -> list:
    """The workshop's three documents, uploaded on that day; the first expires in 20
    days from the real today (a reminder to see), the others later."""
    shift = uploaded_days_ago
    return [upload_evidence(assessment.member, filename=name, stream=io.BytesIO(pdf(text)),
                            title=title, document_date=clock.today() - timedelta(days=90 - shift),
                            expiry_date=clock.today() + timedelta(days=shift + 20 + 200 * i),
                            version_note=None, actor=actor)
            for i, (title, name, text) in enumerate(DEMO_FILES[LANGUAGES[
                assessment.member.code]])]


def pdf(text: str) -> bytes:
    """A small real PDF, so demo evidence downloads and opens like any other."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(text)
    page.drawString(72, 770, text)
    page.drawString(72, 750, "Demo document — MDR compliance")
    page.save()
    return buffer.getvalue()
