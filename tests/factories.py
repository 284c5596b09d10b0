"""One factory per model; call inside an app context, then commit."""

from __future__ import annotations

import itertools

from compliance.manual.loader import load_manual
from compliance.manual.services import import_manual
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.services import create_member
from compliance.users.services import create_user

PASSWORD = "correct horse battery"
_numbers = itertools.count(1_000_000)


def member(code: str = "MEM-A", *, name: str | None = None, region: str = "flanders",
           activities: list[str] | None = None):
    return create_member(code=code, name=name or f"Workshop {code}",
                         enterprise_number=make_enterprise_number(f"{next(_numbers):08d}"),
                         region=region, activities=activities or ["orthoses"])


def user(email: str, role: str, *, member=None, assigned=None, locale: str | None = None,
         password: str = PASSWORD):
    created, _ = create_user(email=email, name=email.split("@")[0].title(), role=role,
                             member=member, password=password, locale=locale,
                             assigned_members=assigned)
    return created


def manual(path):
    return import_manual(load_manual(path)).version


def campaign(version, *, title: str = "Campaign 2026", due_date=None, mode: str = "all",
             values=None, carry_over: bool = False, actor=None):
    from datetime import date, timedelta

    from compliance.campaigns.services import create_campaign

    return create_campaign(title=title, manual_version=version,
                           due_date=due_date or date.today() + timedelta(days=30), mode=mode,
                           values=values or [], carry_over=carry_over, actor=actor)


def pdf_bytes(text: str = "evidence") -> bytes:
    """A small real PDF."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()
