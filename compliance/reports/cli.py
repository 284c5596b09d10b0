"""compliance report self-assessment|pre-audit|sector

    compliance report self-assessment --member CODE [--campaign ID] --lang fr --output FILE
    compliance report pre-audit --member CODE [--campaign ID] --lang nl --output FILE
    compliance report sector --campaign ID --lang en --output FILE [--names]

The campaign defaults to the member's latest (by due date, as the app lists campaigns).
``--output -`` writes the PDF to standard output. Every error is one line and exit
status 1; the options are checked here rather than by click, whose usage errors take
several lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from compliance.assessments.models import Assessment
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.members.queries import member_by_code
from compliance.reports.common import RENDERERS
from compliance.reports.pre_audit import build_pre_audit_report
from compliance.reports.sector import build_sector_report
from compliance.reports.self_assessment import build_self_assessment_report

report_cli = AppGroup("report", help="PDF reports: self-assessment, pre-audit, sector.")

LANG = click.option("--lang", help=f"The report's language: {', '.join(LANGUAGES)}.")
OUTPUT = click.option("--output", help="The PDF file to write ('-': standard output).")


def _checked(lang: str | None, output: str | None) -> tuple[str, str]:
    if not lang:
        raise click.ClickException(f"choose the language with --lang {'|'.join(LANGUAGES)}")
    if lang not in LANGUAGES:
        raise click.ClickException(f"unknown language {lang!r}: use {', '.join(LANGUAGES)}")
    if not output:
        raise click.ClickException("say where to write the PDF with --output FILE")
    return lang, output


def _campaign_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit():
        raise click.ClickException(f"--campaign takes a campaign's id (a number), not {value!r}")
    return int(value)


def _assessment(code: str | None, campaign: str | None) -> Assessment:
    campaign_id = _campaign_id(campaign)
    if not code:
        raise click.ClickException("say whose report it is with --member CODE")
    member = member_by_code(code.strip().upper())
    if member is None:
        raise click.ClickException(f"unknown member {code}")
    query = (select(Assessment).join(Assessment.campaign)
             .where(Assessment.member_id == member.id)
             .order_by(Campaign.due_date.desc(), Campaign.id.desc()))
    if campaign_id is not None:
        query = query.where(Assessment.campaign_id == campaign_id)
    assessment = db.session.scalars(query).first()
    if assessment is None:
        where = f"in campaign {campaign_id}" if campaign_id is not None else "in any campaign"
        raise click.ClickException(f"member {member.code} has no assessment {where}")
    return assessment


def _write(data, output: str) -> None:  # noqa: ANN001  one of the report dataclasses
    renderer = RENDERERS[type(data)](data)
    pdf = renderer.render()
    if output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}: {renderer.page_count} pages, fingerprint {data.fingerprint}")


@report_cli.command("self-assessment")
@click.option("--member", help="The member's code, e.g. ORTHO-GENT.")
@click.option("--campaign", help="The campaign's id (default: the member's latest).")
@LANG
@OUTPUT
def self_assessment(member: str | None, campaign: str | None, lang: str | None,
                    output: str | None) -> None:
    """A member's self-assessment report."""
    lang, output = _checked(lang, output)
    _write(build_self_assessment_report(_assessment(member, campaign), lang), output)


@report_cli.command("pre-audit")
@click.option("--member", help="The member's code, e.g. ORTHO-GENT.")
@click.option("--campaign", help="The campaign's id (default: the member's latest).")
@LANG
@OUTPUT
def pre_audit(member: str | None, campaign: str | None, lang: str | None,
              output: str | None) -> None:
    """The pre-audit report of a member's assessment (once the pre-audit is completed)."""
    lang, output = _checked(lang, output)
    assessment = _assessment(member, campaign)
    if not ASSESSMENT_FLOW.is_in(assessment, "pre_audited"):
        raise click.ClickException(
            f"the pre-audit of {assessment.member.code} in campaign {assessment.campaign_id} "
            f"is not completed (the assessment is {assessment.state.replace('_', ' ')})")
    _write(build_pre_audit_report(assessment, lang), output)


@report_cli.command("sector")
@click.option("--campaign", help="The campaign's id.")
@click.option("--names", is_flag=True,
              help="Show member names and enterprise numbers (default: anonymised).")
@LANG
@OUTPUT
def sector(campaign: str | None, names: bool, lang: str | None, output: str | None) -> None:
    """The sector readiness report of a campaign, anonymised unless --names."""
    lang, output = _checked(lang, output)
    campaign_id = _campaign_id(campaign)
    if campaign_id is None:
        raise click.ClickException("say which campaign with --campaign ID")
    found = db.session.get(Campaign, campaign_id)
    if found is None:
        raise click.ClickException(f"unknown campaign {campaign}")
    _write(build_sector_report(found, lang, anonymised=not names), output)
