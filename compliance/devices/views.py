"""The register of device statements: per month and per family, each statement with its
retention end, a CSV export, and a statement's PDF in the patient's language. Read-only:
statements arrive from the practice program (services.receive_statements)."""

from __future__ import annotations

import re

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.csv_export import csv_format, csv_response
from compliance.devices import bp, queries
from compliance.devices.elements import FAMILY_LABELS, LANGUAGE_LABELS, family_label, label
from compliance.devices.pdf import statement_pdf
from compliance.i18n import LANGUAGES, current_language

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month() -> str | None:
    month = request.args.get("month") or None
    return month if month and MONTH.match(month) else None


@bp.route("/statements")
@login_required
def index():
    """A workshop's people go to their register; staff and consultants choose a member."""
    if current_user.member_id:
        return redirect(url_for("devices.register", member_id=current_user.member_id))
    return render_template("devices/index.html",
                           members=queries.members_with_counts(current_user))


@bp.route("/members/<int:member_id>/statements")
@login_required
def register(member_id: int):
    member = queries.get_member_or_404(member_id, current_user)
    month = _month()
    incomplete_only = request.args.get("incomplete") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    statements, total = queries.statements_page(member.id, month=month,
                                                incomplete_only=incomplete_only, page=page)
    return render_template(
        "devices/register.html", member=member, months=queries.by_month(member.id),
        families=queries.by_family(member.id, month), statements=statements, total=total,
        month=month, incomplete_only=incomplete_only, page=page,
        pages=max((total + queries.PER_PAGE - 1) // queries.PER_PAGE, 1),
        FAMILY_LABELS=FAMILY_LABELS, element_label=label, family_label=family_label)


@bp.route("/members/<int:member_id>/statements.csv")
@login_required
def export(member_id: int):
    member = queries.get_member_or_404(member_id, current_user)
    month = _month()
    header = [_("External identifier"), _("Month"), _("Device family"), _("Device class"),
              _("Implantable"), _("Device"), _("Device number (serial or order)"),
              _("Pseudonymous patient code"), _("Delivery date"), _("Handover date"),
              _("Language given to the patient"), _("Complete"), _("Missing"),
              _("Retention end"), _("Received on")]
    yes, no = _("yes"), _("no")

    def rows():
        for s in queries.all_statements(member.id, month):
            yield [s.external_id, s.month, family_label(s.device_family), s.device_class,
                   yes if s.implantable else no, s.device_description, s.device_identifier,
                   s.patient_code, _iso(s.delivery_date), _iso(s.handover_date),
                   str(LANGUAGE_LABELS.get(s.patient_language or "", "")),
                   yes if s.complete else no, "; ".join(label(k) for k in s.missing),
                   _iso(s.retention_end), s.received_at.date().isoformat()]

    name = f"statements-{member.code}{'-' + month if month else ''}.csv"
    return csv_response(name, header, rows(),
                        csv_format(current_language(), request.args.get("sep")))


def _iso(day) -> str:  # noqa: ANN001
    return day.isoformat() if day else ""


@bp.route("/members/<int:member_id>/statements/<int:statement_id>")
@login_required
def show(member_id: int, statement_id: int):
    member = queries.get_member_or_404(member_id, current_user)
    statement = queries.get_statement_or_404(member, statement_id)
    return render_template("devices/show.html", member=member, s=statement,
                           element_label=label, family_label=family_label,
                           LANGUAGE_LABELS=LANGUAGE_LABELS, LANGUAGES=LANGUAGES)


@bp.route("/members/<int:member_id>/statements/<int:statement_id>.pdf")
@login_required
def pdf(member_id: int, statement_id: int):
    member = queries.get_member_or_404(member_id, current_user)
    statement = queries.get_statement_or_404(member, statement_id)
    language = request.args.get("lang") or statement.patient_language or current_language()
    if language not in LANGUAGES:
        abort(404)
    body = statement_pdf(statement, language)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", statement.external_id)[:80]
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="statement-{name}-{language}.pdf"',
        "Cache-Control": "private, no-store"})
