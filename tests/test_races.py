"""Two people acting on the same object at once: each race ends with one winner and one
clear conflict, never two successes, never a silent overwrite (two real database
sessions, interleaved)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from compliance.assessments.models import Assessment
from compliance.assessments.services import return_assessment, save_answer, submit_assessment
from compliance.auth.models import User
from compliance.errors import Conflict
from compliance.extensions import db
from compliance.reviews.services import complete_pre_audit, save_verdict
from tests.reviews.test_pre_audit import submitted  # noqa: F401


@contextmanager
def session_of(app):
    """One person's request: its own app context, so its own database session."""
    with app.app_context():
        yield db.session
        db.session.rollback()


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_two_transitions_from_the_same_state_cannot_both_succeed(app, people, submitted):  # noqa: F811
    with app.app_context():
        consultant = user(people["consultant"])
        assessment = db.session.get(Assessment, submitted["a"])
        for answer in assessment.answers:
            if answer.included:
                save_verdict(answer, verdict="conform", reason=None, comment=None,
                             change_request=None, revision=0, actor=consultant)
        db.session.commit()
    with session_of(app) as first:
        completing = first.get(Assessment, submitted["a"])
        assert completing.state == "in_pre_audit"
        with session_of(app) as second:  # the other consultant sends it back meanwhile
            returned = second.get(Assessment, submitted["a"])
            return_assessment(returned, reason="missing the PRRC file",
                              actor=user(people["staff"]))
            second.commit()
        with pytest.raises(Conflict, match="Staff saved it first"):  # the row lock says so
            complete_pre_audit(completing, signed_by_name="Eva", signed_on=completing
                               .submitted_at.date(), actor=user(people["consultant"]))
            first.flush()
    with app.app_context():
        assert db.session.get(Assessment, submitted["a"]).state == "in_progress"


def test_two_first_answers_start_the_assessment_once(app, people, assessments):
    with session_of(app) as first:
        a = first.get(Assessment, assessments["a"])
        with session_of(app) as second:
            b = second.get(Assessment, assessments["a"])
            answer = next(x for x in b.answers if x.included)
            save_answer(answer, status="compliant", justification=None, comment=None,
                        revision=answer.revision, actor=user(people["contributor"]))
            second.commit()
        other = [x for x in a.answers if x.included][1]
        save_answer(other, status="partial", justification=None, comment=None,
                    revision=other.revision, actor=user(people["manager"]))
        first.commit()
    with app.app_context():
        from compliance.audit import AuditEvent
        starts = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "assessment.state",
            AuditEvent.assessment_id == assessments["a"])).all()
        assert len(starts) == 1  # one start, both answers kept
        assert db.session.get(Assessment, assessments["a"]).state == "in_progress"


def test_a_submission_and_a_send_back_do_not_both_land(app, people, assessments):
    with app.app_context():
        manager = user(people["manager"])
        assessment = db.session.get(Assessment, assessments["a"])
        for answer in assessment.answers:
            if answer.included:
                save_answer(answer, status="compliant", justification=None, comment=None,
                            revision=answer.revision, actor=manager)
        db.session.commit()
    with session_of(app) as first:
        submitting = first.get(Assessment, assessments["a"])
        with session_of(app) as second:
            again = second.get(Assessment, assessments["a"])
            submit_assessment(again, actor=user(people["manager"]))
            second.commit()
        with pytest.raises(StaleDataError):
            submit_assessment(submitting, actor=user(people["manager"]))
            first.flush()
