"""Reading campaigns."""

from __future__ import annotations

from sqlalchemy import Select, select

from compliance.campaigns.models import Campaign


def campaigns_query() -> Select[tuple[Campaign]]:
    return select(Campaign).order_by(Campaign.due_date.desc(), Campaign.id.desc())
