"""Creating campaigns. Each asks a set of members to self-assess; the assessments feature
creates their assessments when told (``signals.campaign_created``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance import clock
from compliance.audit import log_event
from compliance.campaigns.models import Campaign
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.manual.models import ManualVersion
from compliance.members.models import Member, Region
from compliance.profile import ACTIVITY_FLAGS
from compliance.signals import campaign_created

if TYPE_CHECKING:
    from compliance.auth.models import User

SELECTION_MODES = ("all", "region", "activity", "members")


def select_members(mode: str, values: list[str]) -> list[Member]:
    """The members a campaign asks: all of them, by region, by activity, or picked."""
    members = db.session.scalars(select(Member).order_by(Member.code)).all()
    if mode == "all":
        return list(members)
    if mode == "region":
        unknown = set(values) - {r.value for r in Region}
        if unknown or not values:
            raise DomainError(_l("Choose at least one region."))
        return [m for m in members if m.region in values]
    if mode == "activity":
        if not values or set(values) - ACTIVITY_FLAGS:
            raise DomainError(_l("Choose at least one activity."))
        return [m for m in members if set(m.activities) & set(values)]
    if mode == "members":
        picked = {int(v) for v in values if str(v).isdigit()}
        if not picked:
            raise DomainError(_l("Choose at least one member."))
        return [m for m in members if m.id in picked]
    raise DomainError(_l("Choose who is asked."))


def create_campaign(*, title: str, manual_version: ManualVersion, due_date: date, mode: str,
                    values: list[str], carry_over: bool, actor: User | None,
                    today: date | None = None,
                    titles: dict[str, str | None] | None = None) -> Campaign:
    """``titles``: the title in each language ({"fr": ..., "nl": ..., "en": ...}), each
    optional; ``title`` is shown where the reader's language has none."""
    title = title.strip()
    titles = {language: (text or "").strip() or None
              for language, text in (titles or {}).items() if language in LANGUAGES}
    if not title:
        raise DomainError(_l("The campaign needs a title."))
    if due_date < (today or clock.today()):
        raise DomainError(_l("The due date is in the past."))
    members = select_members(mode, values)
    if not members:
        raise DomainError(_l("No member matches this choice."))
    campaign = Campaign(title=title, manual_version=manual_version, due_date=due_date,
                        created_by=actor, selection={"mode": mode, "values": list(values)},
                        carry_over=carry_over,
                        **{f"title_{language}": text for language, text in titles.items()})
    db.session.add(campaign)
    db.session.flush()
    log_event("campaign.created", campaign, actor=actor,
              after={"title": title, "titles": titles,
                     "manual_version": manual_version.version,
                     "due_date": due_date, "selection": campaign.selection,
                     "members": [m.code for m in members], "carry_over": carry_over})
    campaign_created.send(campaign, members=members, carry_over=carry_over, actor=actor)
    return campaign
