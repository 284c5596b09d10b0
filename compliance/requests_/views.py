"""The request pages: asking (the consultant), reading and answering (the member),
closing or asking again (the consultant)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.assessments.models import Answer
from compliance.assessments.workflow import can_review
from compliance.errors import require
from compliance.evidence.filetypes import MEDIA_TYPES
from compliance.evidence.services import Upload
from compliance.extensions import db
from compliance.form_posts import finish_post, form_errors, redirect_with
from compliance.permissions import can_view_assessment
from compliance.requests_ import bp, queries, services
from compliance.requests_.forms import AnswerForm, AskForm, SettleForm
from compliance.requests_.models import KIND_LABELS
from compliance.requests_.workflow import STATE_LABELS, can_answer_request, can_settle_request

ACCEPT = ",".join(f".{extension}" for extension in MEDIA_TYPES)
bp.add_app_template_global(KIND_LABELS, "KIND_LABELS")
bp.add_app_template_global(STATE_LABELS, "REQUEST_STATE_LABELS")


def _answer_or_404(answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not answer.included or \
            not can_view_assessment(current_user, answer.assessment):
        abort(404)
    return answer


def _ask_page(answer: Answer, form: AskForm, status: int = 200):
    return render_template("requests_/ask.html", answer=answer, form=form,
                           asked=[r for r in queries.of_assessment(answer.assessment_id)
                                  if r.answer_id == answer.id]), status


@bp.route("/ask/<int:answer_id>", methods=["GET", "POST"])
@login_required
def ask(answer_id: int):
    answer = _answer_or_404(answer_id)
    if not can_review(current_user, answer.assessment):
        abort(403)
    form = AskForm()
    if request.method == "GET":
        return _ask_page(answer, form)

    def change():
        require(form.validate_on_submit(), form_errors(form))
        return services.ask(answer, kind=form.kind.data, question=form.question.data,
                            blocks_sign_off=form.blocks_sign_off.data, actor=current_user)

    def failed(message: str, status: int):
        flash(message, "error")
        return _ask_page(_answer_or_404(answer_id), form, status)

    return finish_post(change, done=lambda made: redirect_with(
        _("Request sent to the member on %(key)s.", key=made.requirement_key),
        url_for("reviews.review", assessment_id=made.assessment_id) +
        f"#{made.requirement_key}"), failed=failed)


def show_page(member_request, *, answer_form: AnswerForm | None = None,  # noqa: ANN001
              settle_form: SettleForm | None = None, status: int = 200):
    return render_template(
        "requests_/show.html", request_=member_request, accept=ACCEPT,
        answer_form=answer_form or AnswerForm(formdata=None,
                                              revision=member_request.revision),
        settle_form=settle_form or SettleForm(formdata=None,
                                              revision=member_request.revision)), status


@bp.route("/<int:request_id>")
@login_required
def show(request_id: int):
    return show_page(queries.get_request_or_404(request_id, current_user))


@bp.route("/<int:request_id>/answer", methods=["POST"])
@login_required
def answer(request_id: int):
    member_request = queries.get_request_or_404(request_id, current_user)
    if not can_answer_request(current_user, member_request):
        abort(403)
    form = AnswerForm()
    files = [Upload(f.filename, f.stream) for f in request.files.getlist("files")
             if f and f.filename]

    def change():
        require(form.validate_on_submit(), form_errors(form))
        return services.answer(member_request, response=form.response.data, uploads=files,
                               revision=form.revision.data, actor=current_user)

    def failed(message: str, status: int):
        flash(message, "error")
        return show_page(queries.get_request_or_404(request_id, current_user),
                         answer_form=form, status=status)

    return finish_post(change, done=lambda _stored: redirect_with(
        _("Your answer on %(key)s is sent to the consultant.",
          key=member_request.requirement_key),
        url_for("requests_.show", request_id=request_id)), failed=failed)


@bp.route("/<int:request_id>/settle", methods=["POST"])
@login_required
def settle(request_id: int):
    member_request = queries.get_request_or_404(request_id, current_user)
    if not can_settle_request(current_user, member_request):
        abort(403)
    form = SettleForm()
    transition = request.form.get("do", "close")

    def change() -> None:
        require(form.validate_on_submit(), form_errors(form))
        services.settle(member_request, transition=transition, reason=form.reason.data,
                        revision=form.revision.data, actor=current_user)

    def failed(message: str, status: int):
        flash(message, "error")
        return show_page(queries.get_request_or_404(request_id, current_user),
                         settle_form=form, status=status)

    done_text = _("Request closed.") if transition == "close" else \
        _("Request sent to the member again.")
    return finish_post(change, done=lambda _result: redirect_with(
        done_text, url_for("reviews.review", assessment_id=member_request.assessment_id) +
        f"#{member_request.requirement_key}"), failed=failed)
