"""A requirement's row posted from the checklist: its answer, the files added to it and
the files taken off it, in one form and one request, so nothing typed is lost whichever
button was pressed. A refused row comes back with everything typed and the message next
to its field; an accepted one comes back at the row with its message, whatever the
page's filter. Carried-over answers are confirmed here too, many in one step."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from compliance.assessments import bp, queries, services
from compliance.assessments.checklist import FieldErrors, RowState, answers_page
from compliance.assessments.forms import AnswerForm, IncludeForm
from compliance.assessments.models import Answer, Assessment
from compliance.assessments.workflow import locked_text
from compliance.errors import DomainError, require
from compliance.evidence import services as evidence_services
from compliance.evidence.models import Evidence
from compliance.extensions import csrf, db
from compliance.form_posts import FORM_EXPIRED, finish_post, form_expired, wants_json
from compliance.permissions import works_for

FIELDS = ("status", "justification", "comment", "files")


def chosen_files() -> list[FileStorage]:
    return [f for f in request.files.getlist("files") if f and f.filename]


def row_of(assessment_id: int, answer_id: int) -> tuple[Assessment, Answer]:
    """The assessment and answer of a row post: 404 for another member's, 403 for
    someone who does not work for the member (a locked assessment is the view's to
    explain)."""
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not works_for(current_user, assessment.member_id):
        abort(403)
    return assessment, queries.get_answer_or_404(assessment, answer_id)


def checklist_at(assessment: Assessment, answer: Answer, **extra: object) -> str:
    """The checklist page the row was on, at the row, showing it whatever the filter."""
    return url_for("assessments.answers", assessment_id=assessment.id,
                   chapter=request.args.get("chapter"), show=request.args.get("show"),
                   focus=answer.id, **extra) + f"#{answer.requirement_key}"


def refused_row(assessment_id: int, answer_id: int, message: str, status: int,
                field: str | None = None):
    """The checklist again, this row with what was typed and the message at its field."""
    if wants_json():
        return jsonify(saved=False, message=message, field=field or "form"), status
    db.session.expire_all()
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    row = RowState(answer_id, request.form,
                   FieldErrors(**{field if field in FIELDS else "form": message}))
    return answers_page(assessment, row=row, status=status)


class RowPost:
    """One row's change: the answer if it says something new (or confirms a carried-over
    one), the files taken off, the files added (a file the member already has is reused)."""

    def __init__(self, assessment: Assessment, answer: Answer, form: AnswerForm):
        self.assessment, self.answer, self.form = assessment, answer, form
        self.files = chosen_files()
        self.unlink = self._unlinked()
        self.saving = request.form.get("do", "save") == "save"
        self.field: str | None = None
        self.messages: list[str] = []

    def _unlinked(self) -> list[Evidence]:
        ids = {int(i) for i in request.form.getlist("unlink") if i.isdigit()}
        found = [db.session.get(Evidence, i) for i in sorted(ids)]
        if any(e is None or e.member_id != self.assessment.member_id for e in found):
            abort(404)
        return found  # type: ignore[return-value]

    def change(self) -> None:
        if not self.form.validate():
            self.field, errors = next(iter(self.form.errors.items()))
            raise DomainError(errors[0])
        try:
            self._answer()
            for evidence in self.unlink:
                services.unlink_evidence(self.answer, evidence, actor=current_user)
                self.messages.append(_("“%(title)s” no longer supports %(key)s; the file is "
                                       "kept.", title=evidence.title, key=self.key))
            self._files()
        except services.FieldRefused as refused:
            self.field = refused.field
            raise
        if not self.messages:
            self.messages.append(_("Nothing changed on %(key)s.", key=self.key))

    @property
    def key(self) -> str:
        return self.answer.requirement_key

    def _answer(self) -> None:
        data = self.form.data
        differs = services.answer_differs(self.answer, status=data["status"],
                                          justification=data["justification"],
                                          comment=data["comment"])
        if not differs and not (self.saving and self.answer.to_confirm):
            return
        confirming = self.answer.to_confirm
        services.save_answer(self.answer, status=data["status"],
                             justification=data["justification"], comment=data["comment"],
                             revision=data["revision"], actor=current_user)
        self.messages.append(_("Answer to %(key)s confirmed.", key=self.key)
                             if confirming and not differs
                             else _("Answer to %(key)s saved.", key=self.key))

    def _files(self) -> None:
        added = 0
        try:
            stored = evidence_services.upload_or_reuse(
                self.assessment.member,
                [evidence_services.Upload(f.filename, f.stream) for f in self.files],
                title="", document_date=None, expiry_date=None, version_note=None,
                actor=current_user)
        except DomainError as refused:
            raise services.FieldRefused(refused.message, "files") from None
        for file, (evidence, reused) in zip(self.files, stored, strict=True):
            if reused:
                self.messages.append(str(evidence_services.reused_message(file.filename,
                                                                          evidence)))
            if any(link.evidence_id == evidence.id for link in self.answer.evidence_links):
                self.messages.append(_("%(name)s already supports %(key)s.",
                                       name=file.filename, key=self.key))
                continue
            services.link_evidence(self.answer, evidence, actor=current_user)
            added += 1
        if added:
            self.messages.append(ngettext("%(num)d file added to %(key)s.",
                                          "%(num)d files added to %(key)s.", added,
                                          key=self.key))


def _progress(assessment: Assessment, answer: Answer) -> dict[str, object]:
    """The counters an in-place save changes: overall, and the row's chapter."""
    progress = queries.progress_by_chapter([assessment.id])
    total = queries.total_progress(progress, assessment.id)
    chapter = progress.get((assessment.id, answer.chapter_id), queries.Progress())
    return {"revision": answer.revision, "answered": answer.answered,
            "status": answer.status, "percent": total.percent,
            "line": _("%(answered)d of %(total)d answered", answered=total.answered,
                      total=total.included),
            "chapter": {"id": answer.chapter_id,
                        "count": f"{chapter.answered}/{chapter.included}"}}


@bp.route("/<int:assessment_id>/answers/<int:answer_id>", methods=["POST"])
@csrf.exempt  # checked below, so that an expired page comes back with its input
@login_required
def save_answer(assessment_id: int, answer_id: int):
    assessment, answer = row_of(assessment_id, answer_id)
    if form_expired():
        return refused_row(assessment_id, answer_id, str(FORM_EXPIRED), 400)
    if not assessment.editable:
        return refused_row(assessment_id, answer_id, locked_text(assessment), 409)
    post = RowPost(assessment, answer, AnswerForm())

    def failed(message: str, status: int):
        return refused_row(assessment_id, answer_id, message, status, post.field)

    def done(_result: None):
        message = " ".join(post.messages)
        if wants_json():
            return jsonify(saved=True, message=message, **_progress(assessment, answer))
        flash(message, "success")
        if not post.saving:  # "choose from the library": its page, once the row is kept
            return redirect(url_for("assessments.answer_evidence", assessment_id=assessment.id,
                                    answer_id=answer.id, chapter=request.args.get("chapter"),
                                    show=request.args.get("show")))
        return redirect(checklist_at(assessment, answer))

    return finish_post(post.change, done=done, failed=failed)


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/include", methods=["POST"])
@login_required
def include(assessment_id: int, answer_id: int):
    assessment, answer = row_of(assessment_id, answer_id)
    if not assessment.editable:
        return refused_row(assessment_id, answer_id, locked_text(assessment), 409)
    form = IncludeForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Say why this requirement applies to you."))
        services.include_requirement(answer, justification=form.justification.data,
                                     actor=current_user)

    def done(_result: None):
        flash(_("%(key)s is now part of your assessment.", key=answer.requirement_key),
              "success")
        return redirect(checklist_at(assessment, answer))

    return finish_post(change, done=done, failed=lambda message, status: refused_row(
        assessment_id, answer_id, message, status, "justification"))


def confirmation_message(result: services.Confirmation) -> tuple[str, str]:
    """What a bulk confirmation did, and the message's category."""
    parts = [ngettext("%(num)d answer confirmed.", "%(num)d answers confirmed.",
                      len(result.confirmed))] if result.confirmed else []
    if result.text_changed:
        parts.append(ngettext(
            "Left to confirm because its requirement changed since: %(keys)s. Check it and "
            "save it.", "Left to confirm because their requirements changed since: %(keys)s. "
            "Check them and save them one by one.", len(result.text_changed),
            keys=", ".join(a.requirement_key for a in result.text_changed)))
    if result.incomplete:
        parts.append(ngettext(
            "Left to confirm because it cannot be saved as it is (an answer or a reason why "
            "it does not apply is missing): %(keys)s.", "Left to confirm because they cannot "
            "be saved as they are (an answer or a reason why they do not apply is missing): "
            "%(keys)s.", len(result.incomplete),
            keys=", ".join(a.requirement_key for a in result.incomplete)))
    if not parts:
        return _("Nothing to confirm: no carried-over answer is waiting here."), "info"
    return " ".join(parts), "success" if result.confirmed else "error"


@bp.route("/<int:assessment_id>/confirm", methods=["POST"])
@csrf.exempt  # checked below: an expired page says so and goes back to the checklist
@login_required
def confirm(assessment_id: int):
    """Confirm carried-over answers as they stand: of a chapter, of the whole assessment,
    or those selected on the page."""
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not works_for(current_user, assessment.member_id):
        abort(403)
    back = url_for("assessments.show", assessment_id=assessment.id) \
        if request.form.get("back") == "overview" else \
        url_for("assessments.answers", assessment_id=assessment.id,
                chapter=request.args.get("chapter"), show=request.args.get("show"))
    if form_expired():
        flash(_("This page had expired: nothing was confirmed. Check the answers and "
                "confirm them again."), "error")
        return redirect(back)
    if not assessment.editable:
        flash(locked_text(assessment), "error")
        return redirect(back)
    answers = queries.answers_to_confirm(assessment, **_confirm_scope(assessment))

    def done(result: services.Confirmation):
        message, category = confirmation_message(result)
        flash(message, category)
        return redirect(back)

    def failed(message: str, status: int):
        flash(message, "error")
        return redirect(back)

    return finish_post(lambda: services.confirm_answers(assessment, answers,
                                                        actor=current_user),
                       done=done, failed=failed)


def _confirm_scope(assessment: Assessment) -> dict[str, object]:
    scope = request.form.get("scope", "all")
    if scope == "selected":
        return {"ids": [int(i) for i in request.form.getlist("answer") if i.isdigit()]}
    if scope == "chapter":
        chapter = next((c for c in assessment.campaign.manual_version.chapters
                        if c.key == request.form.get("chapter")), None)
        if chapter is None:
            abort(404)
        return {"chapter_id": chapter.id}
    return {}
