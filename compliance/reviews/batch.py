"""The review page's one form posted: the verdicts chosen or changed on it, the member's
answers accepted by ticking, and (one button) every remaining compliant answer with
evidence accepted as conform. One change: each verdict checked and audited on its own,
and the first refusal leaves everything as it was, with what was typed shown again and
the reason at its row."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from compliance.assessments.models import Answer, Assessment
from compliance.errors import DomainError
from compliance.form_posts import finish_post, redirect_with
from compliance.reviews import services
from compliance.reviews.models import Verdict
from compliance.reviews.page import CODES, review_page
from compliance.reviews.queries import answers_by_id, evidenced_compliant_without_verdict
from compliance.revisions import cleaned

ACCEPT_EVIDENCED = "accept_evidenced"


def _posted_ids(name: str) -> set[int]:
    return {int(v) for v in request.form.getlist(name) if v.isdigit()}


def _text(name: str, answer_id: int) -> str | None:
    return cleaned(request.form.get(f"{name}-{answer_id}"))


def _revision(answer_id: int) -> int:
    """The verdict's revision the row was loaded at (a row without a verdict has none:
    0, so that a verdict saved meanwhile is a conflict)."""
    value = request.form.get(f"rev-{answer_id}", "")
    return int(value) if value.isdigit() else 0


def _chosen(answer_id: int) -> str | None:
    """The verdict chosen on a row (posted as its short code, see page.CODES)."""
    code = request.form.get(f"v-{answer_id}")
    if code and code not in CODES:
        raise DomainError(_("Unknown verdict."))
    return CODES[code].value if code else None


def _texts(answer: Answer, verdict: str | None) -> dict[str, str | None]:
    """The row's texts: its one text box is the finding, or the reason when the verdict
    is "not applicable"; the text it does not show keeps what is stored."""
    record = answer.verdict
    typed = _text("f", answer.id)
    not_applicable = verdict == Verdict.NOT_APPLICABLE
    return {"comment": (record.comment if record else None) if not_applicable else typed,
            "reason": typed if not_applicable else (record.reason if record else None),
            "change_request": _text("c", answer.id)}


def _row_input(answer: Answer, accept: bool) -> services.VerdictInput | None:
    chosen = _chosen(answer.id)
    record = answer.verdict
    stored = record.verdict if record else None
    if accept:
        row = services.accepted(answer, revision=_revision(answer.id), **_texts(
            answer, services.AGREEING_VERDICT.get(answer.status or "")))
        if chosen and chosen != stored and chosen != row.verdict:
            raise services.RowRefused(answer.id, DomainError(_(
                "%(key)s: you ticked “accept the answer” and chose another verdict. "
                "Keep one of the two.", key=answer.requirement_key)))
        return row
    texts = _texts(answer, chosen)
    before = (stored, record.comment, record.reason, record.change_request) if record \
        else (None, None, None, None)
    if (chosen, texts["comment"], texts["reason"], texts["change_request"]) == before:
        return None
    return services.VerdictInput(answer, chosen, revision=_revision(answer.id), **texts)


def verdict_inputs(assessment: Assessment, evidenced: bool) -> list[services.VerdictInput]:
    """What the post asks for, in the manual's order."""
    rows = {int(name[2:]) for name in request.form if name.startswith("f-")
            and name[2:].isdigit()}  # every row posts its text box
    ticked = _posted_ids("accept")
    answers = answers_by_id(assessment, rows | ticked)
    if (rows | ticked) - set(answers):
        abort(404)  # not an included answer of this assessment
    inputs = [row for answer in sorted(answers.values(), key=lambda a: a.position)
              if (row := _row_input(answer, answer.id in ticked)) is not None]
    if evidenced:
        posted = {row.answer.id for row in inputs}
        inputs += [_conform(answer) for answer in evidenced_compliant_without_verdict(
            assessment) if answer.id not in posted]
    return inputs


def _conform(answer: Answer) -> services.VerdictInput:
    """Conform, keeping what a verdict row without a verdict yet already says."""
    record = answer.verdict
    if record is None:
        return services.VerdictInput(answer, "conform", revision=0)
    return services.VerdictInput(answer, "conform", reason=record.reason,
                                 comment=record.comment, change_request=record.change_request,
                                 revision=record.revision)


def saved_message(records: list, evidenced: bool) -> str:
    if not records:
        return _("Nothing saved: no remaining requirement was answered compliant with "
                 "evidence, and no verdict was chosen or changed.") if evidenced else \
            _("Nothing saved: no verdict was chosen or changed.")
    keys = ", ".join(r.answer.requirement_key for r in records)
    return ngettext("%(num)d verdict saved: %(keys)s.", "%(num)d verdicts saved: %(keys)s.",
                    len(records), keys=keys)


def save_page(assessment: Assessment):
    evidenced = request.form.get("do") == ACCEPT_EVIDENCED
    back = request.form.get("back", "")
    chapter = request.args.get("chapter")

    refused = {"row": 0}  # the row a refusal names (0: the form as a whole)

    def change() -> list:
        try:
            return services.save_verdicts(assessment, verdict_inputs(assessment, evidenced),
                                          actor=current_user)
        except services.RowRefused as error:
            refused["row"] = error.answer_id
            raise

    def done(records: list):
        anchor = ""
        if back.isdigit():
            anchor = next((f"#{r.answer.requirement_key}" for r in records
                           if r.answer.id == int(back)), "")
            anchor = anchor or _anchor_of(assessment, int(back))
        return redirect_with(saved_message(records, evidenced), url_for(
            "reviews.review", assessment_id=assessment.id, chapter=chapter) + anchor,
            "success" if records else "info")

    def failed(message: str, status: int):
        return review_page(assessment, errors={refused["row"]: message},
                           entered=request.form, status=status)

    return finish_post(change, done=done, failed=failed)


def _anchor_of(assessment: Assessment, answer_id: int) -> str:
    answer = answers_by_id(assessment, {answer_id}).get(answer_id)
    return f"#{answer.requirement_key}" if answer else ""
