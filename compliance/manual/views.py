"""The manual browser: versions, chapters, requirements, and what changed in a version."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.extensions import db
from compliance.i18n import current_language
from compliance.manual import bp, queries
from compliance.manual.basis import BASIS_HINTS, BASIS_LABELS
from compliance.manual.changes import CHANGE_LABELS, version_changes
from compliance.manual.models import Chapter, ManualVersion
from compliance.profile import ACTIVITY_FLAGS, applies

# The words for a requirement's basis and changes, for every page that shows a
# requirement (templates/manual/_basis.html), whichever feature it belongs to.
bp.add_app_template_global(BASIS_LABELS, "BASIS_LABELS")
bp.add_app_template_global(BASIS_HINTS, "BASIS_HINTS")
bp.add_app_template_global(CHANGE_LABELS, "CHANGE_LABELS")


@bp.route("/")
@login_required
def index():
    versions = db.session.scalars(queries.versions_query()).all()
    if len(versions) == 1:
        return redirect(url_for("manual.version", version_id=versions[0].id))
    return render_template("manual/index.html", versions=versions)


@bp.route("/<int:version_id>/")
@login_required
def version(version_id: int):
    manual_version = db.session.get(ManualVersion, version_id) or abort(404)
    return render_template(
        "manual/version.html", version=manual_version,
        chapters=queries.chapter_counts(manual_version),
        stats=queries.version_stats(manual_version),
        previous=queries.previous_of(manual_version),
        versions=db.session.scalars(queries.versions_query()).all(),
    )


@bp.route("/<int:version_id>/chapters/<key>")
@login_required
def chapter(version_id: int, key: str):
    manual_version = db.session.get(ManualVersion, version_id) or abort(404)
    current = db.session.scalar(
        select(Chapter).where(Chapter.manual_version_id == version_id, Chapter.key == key)
        .options(selectinload(Chapter.requirements))
    ) or abort(404)
    profile = [flag for flag in request.args.getlist("activity") if flag in ACTIVITY_FLAGS]
    requirements = [r for r in current.requirements
                    if not profile or applies(r.applies_to, profile)]
    chapters = manual_version.chapters
    index = next(i for i, c in enumerate(chapters) if c.id == current.id)
    return render_template(
        "manual/chapter.html", version=manual_version, chapter=current,
        requirements=requirements, profile=profile, chapters=chapters,
        changes=version_changes(manual_version, current_language()),
        previous=chapters[index - 1] if index > 0 else None,
        next=chapters[index + 1] if index + 1 < len(chapters) else None,
    )


@bp.route("/<int:version_id>/changes")
@login_required
def changes(version_id: int):
    """What changed since the previous version: release notes, then each requirement's
    difference (texts word by word, in the reader's language) and what was removed."""
    manual_version = db.session.get(ManualVersion, version_id) or abort(404)
    chapters = manual_version.chapters
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    found = version_changes(manual_version, current_language())
    removed = [x for x in found.removed if not chapter or x.key.startswith(f"{chapter.key}-")
               ] if found else []
    return render_template(
        "manual/changes.html", version=manual_version, chapters=chapters, chapter=chapter,
        changes=found, removed=removed, show_all=request.args.get("show") == "all")
