"""How fast are the PDF reports?

1. A pre-audit report of 150 requirements (synthetic data, built directly as the
   report's dataclasses: no database) against a baseline measured in the same run: what
   ReportLab needs for a plain table of the same 150 rows (key, title, the member's
   answer, the verdict, the consultant's comment) as plain strings, one ``Table`` with a
   repeated header row and a grid, in a ``SimpleDocTemplate`` on A4, with the same
   embedded font. Both are timed interleaved (warm-ups first); the medians are compared.
   The target: the report takes no more than twice the baseline.
2. The sector report for 1,000 members (synthetic dataclasses too): under 5 seconds.

Both timings include the fingerprint (SHA-256 of the data) and writing the PDF bytes.
Prints the ratio and the times; exits 1 when a target is missed.

    .venv/bin/python bench/reports.py [--iterations 7] [--target 2.0] [--sector-limit 5]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance import create_app  # noqa: E402
from compliance.reports.common import AssessmentCover  # noqa: E402
from compliance.reports.pdf import FONT  # noqa: E402
from compliance.reports.pre_audit import (  # noqa: E402
    ActionLine,
    ChapterComparison,
    Finding,
    PreAuditReport,
    PreAuditReportData,
    SignOff,
    StateChange,
    TrailLine,
    VerdictLine,
)
from compliance.reports.sector import (  # noqa: E402
    CampaignTrend,
    ChapterHeat,
    FrequentGap,
    OverdueAction,
    SectorMember,
    SectorReport,
    SectorReportData,
    score_bands,
)

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
WORDS = ["procédure", "documentée", "maîtrise", "des", "enregistrements", "traçabilité",
         "du", "dispositif", "sur", "mesure", "déclaration", "annexe", "XIII", "compétence",
         "personnel", "évaluation", "clinique", "surveillance", "après", "commercialisation",
         "réclamations", "fournisseurs", "validation"]
VERDICTS = ("conform", "conform", "conform", "observation", "conform", "minor_nc",
            "conform", "conform", "major_nc", "conform", "conform", "minor_nc")
STATUSES = ("compliant", "compliant", "partial", "compliant", "not_compliant", "compliant")
CHAPTERS = ("ORG", "QMS", "MGT", "HR", "INF", "RISK", "DES", "PUR", "PRD", "TRC", "PMS",
            "DIST", "BEL")


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def cover() -> AssessmentCover:
    return AssessmentCover(
        member_code="SYN-0001", member_name="Atelier Orthopédique Synthèse", region="wallonia",
        enterprise_number="0123.456.749", activities=("orthoses", "prostheses", "employees"),
        campaign_title="Self-assessment 2026", campaign_due=TODAY + timedelta(days=30),
        manual_title="Manuel qualité MDR", manual_version="2026.1", state="pre_audited",
        started_on=NOW - timedelta(days=60), state_changed_at=NOW - timedelta(days=2),
        submitted_at=NOW - timedelta(days=20), submitted_by="Claire Dubois")


def pre_audit_data(requirements: int = 150, seed: int = 1) -> PreAuditReportData:
    rng = random.Random(seed)
    verdicts, findings, actions = [], [], []
    for i in range(requirements):
        chapter = CHAPTERS[i * len(CHAPTERS) // requirements]
        key, title = f"{chapter}-{i:02d}", sentence(rng, rng.randint(4, 9))
        verdict, status = VERDICTS[i % len(VERDICTS)], STATUSES[i % len(STATUSES)]
        verdicts.append(VerdictLine(key, title, chapter, rng.choice(("major", "minor")), status,
                                    verdict, None))
        if verdict != "conform":
            comment = sentence(rng, rng.randint(6, 16))
            findings.append(Finding(verdict, key, title, chapter,
                                    ("MDR Art. 10(9)", "EN ISO 13485:2016 §4.2"), status,
                                    comment, None))
        if verdict in ("minor_nc", "major_nc"):
            actions.append(ActionLine(key, verdict, comment, "Claire Dubois",
                                      TODAY + timedelta(days=rng.randint(-20, 90)), "open",
                                      False, None))
    findings.sort(key=lambda f: ("major_nc", "minor_nc", "observation").index(f.severity))
    chapters = tuple(ChapterComparison(c, sentence(rng, 6), rng.uniform(50, 100),
                                       rng.uniform(40, 100)) for c in CHAPTERS)
    trail = tuple(TrailLine(who, what, rng.randint(1, 150), NOW - timedelta(days=30), NOW)
                  for who, what in (("Frank Maes", "assessment.created"),
                                    ("Claire Dubois", "answer.saved"),
                                    ("Claire Dubois", "evidence.linked"),
                                    ("Eva Janssens", "verdict.saved"),
                                    ("Eva Janssens", "action.opened"),
                                    ("Eva Janssens", "pre_audit.completed")))
    return PreAuditReportData(
        language="fr", generated_at=NOW, as_of=TODAY, cover=cover(), completed=True,
        readiness="not_ready", self_score=81.2, consultant_score=72.5, calibration_gap=8.7,
        open_major=len([a for a in actions if a.severity == "major_nc"]), disagreements=40,
        chapters=chapters, findings=tuple(findings), actions=tuple(actions),
        sign_off=SignOff("Eva Janssens", NOW - timedelta(days=5), NOW - timedelta(days=2),
                         "Eva Janssens", TODAY - timedelta(days=2)),
        state_changes=(StateChange(NOW - timedelta(days=20), "Claire Dubois", "in_progress",
                                   "submitted", None),
                       StateChange(NOW - timedelta(days=2), "Eva Janssens", "in_pre_audit",
                                   "pre_audited", None)),
        trail=trail, verdicts=tuple(verdicts))


def sector_data(members: int = 1000, seed: int = 2) -> SectorReportData:
    rng = random.Random(seed)
    states = ("not_started", "in_progress", "submitted", "in_pre_audit", "pre_audited")
    rows = []
    for i in range(members):
        state = rng.choice(states)
        audited = state == "pre_audited"
        consultant = rng.uniform(30, 100) if audited else None
        rows.append(SectorMember(
            label=f"Member {i + 1:04d}", name=None, enterprise_number=None,
            region=rng.choice(("flanders", "wallonia", "brussels")), state=state,
            progress=rng.randint(0, 100), self_score=rng.uniform(40, 100) if state in
            states[2:] else None, consultant_score=consultant,
            readiness=rng.choice(("ready", "nearly_ready", "not_ready")) if audited else None,
            open_actions=rng.randint(0, 6), overdue_actions=rng.randint(0, 2)))
    return SectorReportData(
        language="fr", generated_at=NOW, as_of=TODAY, campaign_title="Self-assessment 2026",
        campaign_due=TODAY + timedelta(days=30), manual_title="Manuel qualité MDR",
        manual_version="2026.1", anonymised=True, scope="all",
        states=tuple((s, sum(r.state == s for r in rows)) for s in states),
        readiness=tuple((r, sum(m.readiness == r for m in rows))
                        for r in ("ready", "nearly_ready", "not_ready")),
        score_bands=score_bands([r.consultant_score for r in rows if r.consultant_score]),
        heat=tuple(ChapterHeat(c, sentence(rng, 6), rng.uniform(50, 95), rng.uniform(40, 95),
                               members // 2) for c in CHAPTERS),
        gaps=tuple(FrequentGap(f"QMS-{i:02d}", sentence(rng, 7), ("MDR Art. 10(9)",),
                               rng.randint(10, 200), rng.randint(10, 200)) for i in range(10)),
        overdue=tuple(OverdueAction(f"SYN-{i:04d}", None, f"PRD-{i:02d}", sentence(rng, 6),
                                    "major_nc", TODAY - timedelta(days=i + 1), "open")
                      for i in range(25)),
        overdue_total=412,
        trend=tuple(CampaignTrend(f"Self-assessment {year}", date(year, 6, 30), members,
                                  members // 2, members // 5, 70.0 + year % 5, 60.0 + year % 7,
                                  members // 10) for year in (2024, 2025, 2026)),
        members=tuple(rows), chapter_keys=tuple(CHAPTERS),
        member_heat=tuple((r.label, tuple(rng.choice((None, rng.uniform(20, 100)))
                                          for _ in CHAPTERS))
                          for r in rows if r.self_score is not None))


def plain_table(data: PreAuditReportData) -> bytes:
    """The baseline: the same rows, as a plain ReportLab table."""
    comments = {f.key: f.comment or "" for f in data.findings}
    rows = [["Key", "Requirement", "Answer", "Verdict", "Comment"]]
    rows += [[v.key, v.title, v.self_status or "", v.verdict or "", comments.get(v.key, "")]
             for v in data.verdicts]
    buffer = io.BytesIO()
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 6),
                               ("GRID", (0, 0), (-1, -1), 0.25, "#999999")]))
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    return buffer.getvalue()


def fresh(data):  # noqa: ANN001, ANN201  the same data, without the cached fingerprint
    return replace(data)


def timed(work) -> float:  # noqa: ANN001
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=7)
    parser.add_argument("--target", type=float, default=2.0)
    parser.add_argument("--sector-limit", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"TESTING": True}, environ={
            "COMPLIANCE_ENV": "development", "COMPLIANCE_INSTANCE": instance,
            "DATABASE_URL": f"sqlite:///{instance}/bench.db"})
        with app.app_context():
            return run(args)


def run(args: argparse.Namespace) -> int:
    data = pre_audit_data()
    for _ in range(2):  # warm-ups: imports, font subsets, caches
        PreAuditReport(fresh(data)).render()
        plain_table(data)
    reports, baselines = [], []
    for _ in range(args.iterations):
        reports.append(timed(lambda: PreAuditReport(fresh(data)).render()))
        baselines.append(timed(lambda: plain_table(data)))
    report, baseline = statistics.median(reports), statistics.median(baselines)
    ratio = report / baseline
    print(f"pre-audit report, {len(data.verdicts)} requirements: {report * 1000:.0f} ms; "
          f"plain table of the same rows: {baseline * 1000:.0f} ms; ratio {ratio:.2f} "
          f"(target ≤ {args.target})")
    sector = sector_data()
    SectorReport(fresh(sector_data(50))).render()  # warm-up
    sector_time = timed(lambda: SectorReport(fresh(sector)).render())
    print(f"sector report, {len(sector.members)} members: {sector_time:.2f} s "
          f"(target < {args.sector_limit} s)")
    failed = ratio > args.target or sector_time >= args.sector_limit
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
