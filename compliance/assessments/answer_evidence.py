"""One requirement's evidence page: its files, an upload with title and dates, and the
member's library to choose from (the checklist does not repeat the library on every row:
its rows come here, their typed answer saved first)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance.assessments import bp, queries, services
from compliance.assessments.checklist import ACCEPT
from compliance.assessments.models import Answer, Assessment
from compliance.assessments.rows import checklist_at, chosen_files, row_of
from compliance.assessments.workflow import can_answer, locked_text
from compliance.errors import DomainError
from compliance.evidence import services as evidence_services
from compliance.evidence.forms import UploadForm
from compliance.evidence.models import Evidence
from compliance.evidence.queries import member_evidence_query
from compliance.extensions import db
from compliance.form_posts import finish_post, form_errors, redirect_with


def evidence_page(assessment: Assessment, answer: Answer, *, form: UploadForm | None = None,
                  errors: dict[str, str] | None = None, status: int = 200):
    linked = {link.evidence_id for link in answer.evidence_links}
    library = [e for e in db.session.scalars(member_evidence_query(assessment.member_id))
               if not e.withdrawn and e.id not in linked]
    return render_template(
        "assessments/evidence.html", assessment=assessment, answer=answer,
        requirement=answer.requirement, library=library, form=form or UploadForm(formdata=None),
        errors=errors or {}, accept=ACCEPT, editable=can_answer(current_user, assessment),
        chosen={int(i) for i in request.form.getlist("evidence") if i.isdigit()},
        back=checklist_at(assessment, answer)), status


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/evidence")
@login_required
def answer_evidence(assessment_id: int, answer_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return evidence_page(assessment, queries.get_answer_or_404(assessment, answer_id))


def _editable(assessment_id: int, answer_id: int) -> tuple[Assessment, Answer, str | None]:
    assessment, answer = row_of(assessment_id, answer_id)
    return assessment, answer, None if assessment.editable else locked_text(assessment)


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/evidence", methods=["POST"])
@login_required
def upload(assessment_id: int, answer_id: int):
    """Upload files with a title and dates, and let them support this answer: all the
    files of the request, or none of them. A file the member already has is reused."""
    assessment, answer, locked = _editable(assessment_id, answer_id)
    form = UploadForm()
    files = chosen_files()
    messages: list[str] = []
    field = {"name": "files"}

    def change() -> None:
        if locked:
            raise DomainError(locked)
        if not form.validate_on_submit():
            field["name"] = next(iter(form.errors))
            raise DomainError(form_errors(form))
        if not files:
            raise DomainError(_("Choose at least one file."))
        services.require_takes_evidence(answer)  # before a file is stored
        stored = evidence_services.upload_or_reuse(
            assessment.member, [evidence_services.Upload(f.filename, f.stream) for f in files],
            title=form.title.data or "", document_date=form.document_date.data,
            expiry_date=form.expiry_date.data, version_note=form.version_note.data,
            actor=current_user)
        for file, (evidence, reused) in zip(files, stored, strict=True):
            if reused:
                messages.append(str(evidence_services.reused_message(file.filename, evidence)))
            if all(link.evidence_id != evidence.id for link in answer.evidence_links):
                services.link_evidence(answer, evidence, actor=current_user)
        messages.insert(0, ngettext("%(num)d file added to %(key)s.",
                                    "%(num)d files added to %(key)s.", len(files),
                                    key=answer.requirement_key))

    def failed(message: str, status: int):
        db.session.expire_all()
        return evidence_page(assessment, answer, form=form,
                             errors={"form" if locked else field["name"]: message},
                             status=409 if locked else status)

    return finish_post(change, done=lambda _result: redirect_with(
        " ".join(messages), checklist_at(assessment, answer)), failed=failed)


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/link", methods=["POST"])
@login_required
def link(assessment_id: int, answer_id: int):
    """Files of the member's library chosen to support this answer."""
    assessment, answer, locked = _editable(assessment_id, answer_id)
    ids = {int(i) for i in request.form.getlist("evidence") if i.isdigit()}
    chosen = list(db.session.scalars(select(Evidence).where(Evidence.id.in_(ids))))
    if len(chosen) != len(ids) or any(e.member_id != assessment.member_id for e in chosen):
        abort(404)

    def change() -> None:
        if locked:
            raise DomainError(locked)
        if not chosen:
            raise DomainError(_("Choose at least one file of the library."))
        for evidence in chosen:
            services.link_evidence(answer, evidence, actor=current_user)

    return finish_post(change, done=lambda _result: redirect_with(
        ngettext("%(num)d file of the library now supports %(key)s.",
                 "%(num)d files of the library now support %(key)s.", len(chosen),
                 key=answer.requirement_key), checklist_at(assessment, answer)),
        failed=lambda message, status: evidence_page(
            assessment, answer, errors={"form" if locked else "library": message},
            status=409 if locked else status))


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/unlink/<int:evidence_id>",
          methods=["POST"])
@login_required
def unlink(assessment_id: int, answer_id: int, evidence_id: int):
    assessment, answer, locked = _editable(assessment_id, answer_id)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.member_id != assessment.member_id:
        abort(404)

    def change() -> None:
        if locked:
            raise DomainError(locked)
        services.unlink_evidence(answer, evidence, actor=current_user)

    def done(_result: None):
        flash(_("“%(title)s” no longer supports %(key)s; the file is kept.",
                title=evidence.title, key=answer.requirement_key), "success")
        return redirect(url_for("assessments.answer_evidence", assessment_id=assessment.id,
                                answer_id=answer.id, chapter=request.args.get("chapter"),
                                show=request.args.get("show")))

    return finish_post(change, done=done, failed=lambda message, status: evidence_page(
        assessment, answer, errors={"form" if locked else "unlink": message},
        status=409 if locked else status))
