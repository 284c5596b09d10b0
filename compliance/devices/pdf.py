"""A statement as a PDF in the patient's language, for a workshop whose practice program
prints none: the Annex XIII §1 elements, the sentence that the device is for the
exclusive use of the patient, and what is still missing if the statement is incomplete.
Built on the reports' layout (compliance.reports.pdf)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from flask_babel import gettext as _
from reportlab.platypus import Flowable

from compliance.devices.elements import LANGUAGE_LABELS, family_label, label
from compliance.devices.models import CONTENT_COLUMNS, DeviceStatement
from compliance.reports.common import Fingerprinted, generation_time
from compliance.reports.listing import facts_table
from compliance.reports.pdf import ReportRenderer, gap, heading, para


@dataclass(frozen=True)
class StatementData(Fingerprinted):
    kind: ClassVar[str] = "device-statement"
    language: str
    member_name: str
    external_id: str
    values: dict[str, Any]
    missing: tuple[str, ...]
    generated_at: datetime = field(default_factory=generation_time)


def statement_data(statement: DeviceStatement, language: str) -> StatementData:
    return StatementData(language=language, member_name=statement.member.name,
                         external_id=statement.external_id,
                         values={name: getattr(statement, name) for name in CONTENT_COLUMNS},
                         missing=tuple(statement.missing))


def statement_pdf(statement: DeviceStatement, language: str) -> bytes:
    return StatementReport(statement_data(statement, language)).render()


class StatementReport(ReportRenderer):
    data: StatementData

    def title(self) -> str:
        return _("Statement for a custom-made device")

    def subject(self) -> str:
        return _("MDR Annex XIII, section 1")

    def author(self) -> str:
        return self.data.member_name

    def yes_no(self, value: bool | None) -> str:
        return "—" if value is None else (_("yes") if value else _("no"))

    def text(self, value: object) -> str:
        return "—" if value in (None, "") else str(value)

    def story(self) -> list[Flowable]:
        v = self.data.values
        story: list[Flowable] = [para(self.title(), "cover_title"),
                                 para(self.subject(), "cover_subtitle")]
        if self.data.missing:
            story.append(para(_("Incomplete statement. Missing: %(elements)s",
                                elements="; ".join(label(k) for k in self.data.missing)),
                              "notice"))
        story += heading(_("Manufacturer"), 0, "manufacturer")
        story.append(facts_table(self.maker_facts(v)))
        story += heading(_("Device"), 0, "device")
        story.append(facts_table([
            (label("device_description"), self.text(v["device_description"])),
            (label("device_identifier"), self.text(v["device_identifier"])),
            (label("device_family"), family_label(v["device_family"])),
            (label("device_class"), self.text(v["device_class"])),
            (label("implantable"), self.yes_no(v["implantable"])),
            (label("characteristics"), self.text(v["characteristics"])),
            (label("medicinal_substance"), self.yes_no(v["medicinal_substance"])),
            (label("tissues_or_cells"), self.yes_no(v["tissues_or_cells"]))]))
        story += heading(_("Patient and prescriber"), 0, "patient")
        story.append(para(_("This device is intended for the exclusive use of the patient "
                            "identified by the code %(code)s.",
                            code=self.text(v["patient_code"]))))
        story.append(facts_table([
            (label("prescriber_name"), self.text(v["prescriber_name"])),
            (label("prescriber_qualification"), self.text(v["prescriber_qualification"])),
            (label("health_institution"), self.text(v["health_institution"])),
            (label("delivery_date"), self.day(v["delivery_date"])),
            (label("handover_date"), self.day(v["handover_date"])),
            (label("patient_language"), str(LANGUAGE_LABELS.get(v["patient_language"] or "",
                                                                "—")))]))
        story += heading(_("Conformity"), 0, "conformity")
        story += self.conformity(v)
        return [*story, gap(8), para(_("Statement number: %(number)s",
                                       number=self.data.external_id), "small"),
                *self.fingerprint_block()]

    def maker_facts(self, v: dict[str, Any]) -> list[tuple[str, str]]:
        facts = [(label("manufacturer_name"), self.text(v["manufacturer_name"])),
                 (label("manufacturer_address"), self.text(v["manufacturer_address"]))]
        facts += [(label("manufacturing_sites"), f"{s.get('name')}, {s.get('address')}")
                  for s in v["manufacturing_sites"]] or [(label("manufacturing_sites"), "—")]
        rep = v["authorised_representative"]
        facts.append((label("authorised_representative"),
                      f"{rep.get('name')}, {rep.get('address')}" if rep else _("none")))
        return facts

    def conformity(self, v: dict[str, Any]) -> list[Flowable]:
        if v["gspr_conforms"] is None:
            return [para(_("The statement of conformity has not been given."), "notice")]
        flowables: list[Flowable] = [para(_(
            "The manufacturer declares that this device conforms to the general safety and "
            "performance requirements of Annex I of Regulation (EU) 2017/745."))]
        exceptions = v["gspr_not_fully_met"] or []
        if exceptions:
            flowables.append(para(_("Requirements not fully met, and why:")))
            flowables.append(facts_table([(self.text(e.get("requirement")),
                                           self.text(e.get("reason"))) for e in exceptions]))
        return flowables
