"""Anonymous means anonymous: per-report pseudonyms and no group small enough to single
out a member.

A pseudonym ("Member 07") numbers the members in an order drawn from a keyed hash of
the campaign and the member (HMAC with the application's secret key): stable within a
report and from one rendering to the next (the data fingerprint stays the same), but
neither the member's code, its name nor its place in any list gives it away, and the
same member has another number in another campaign's report.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: a region or activity with fewer members than this is shown as "other"
SMALLEST_GROUP = 3
OTHER = "other"
OTHER_LABEL = _l("Other")


def pseudonym_order(member_ids: Iterable[int], scope: str) -> list[int]:
    """The members in their pseudonyms' order for one report (``scope``: the campaign)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return sorted(set(member_ids), key=lambda member_id: hmac.new(
        key, f"{scope}:{member_id}".encode(), hashlib.sha256).hexdigest())


def pseudonyms(member_ids: Iterable[int], scope: str) -> dict[int, str]:
    """Each member's pseudonym ("Member 07") in the current language."""
    return {member_id: _("Member %(number)02d", number=number) for number, member_id in
            enumerate(pseudonym_order(member_ids, scope), start=1)}


def folded(values: Iterable[str]) -> dict[str, str]:
    """Each value, or OTHER when fewer than SMALLEST_GROUP members share it. When the
    members folded into OTHER are themselves fewer than that, the next smallest group
    joins them, so that OTHER never singles anyone out either."""
    counts = Counter(values)
    kept = sorted((c, v) for v, c in counts.items() if c >= SMALLEST_GROUP)
    other = sum(c for c in counts.values() if c < SMALLEST_GROUP)
    while 0 < other < SMALLEST_GROUP and kept:
        other += kept.pop(0)[0]
    shown = {v for _c, v in kept}
    return {value: value if value in shown else OTHER for value in counts}
