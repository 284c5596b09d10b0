"""The shipped manual 2026.2: every requirement has a basis, and the obligations the
regulatory review found missing or wrong are present with the references they rest on."""

from pathlib import Path

import pytest

from compliance.manual.loader import load_manual, load_manuals

SHIPPED = Path(__file__).parent.parent.parent / "checklists" / "mdr-cmd"


@pytest.fixture(scope="module")
def manual():
    return load_manual(SHIPPED / "2026.2")


def refs(manual, key):
    return {r.key: r for r in manual.requirements}[key].references


def test_size_basis_and_criticality(manual):
    assert manual.format == 2 and manual.previous == "2026.1"
    assert 120 <= len(manual.requirements) <= 140
    assert all(r.basis in ("law", "standard", "good_practice") for r in manual.requirements)
    assert {r.basis for r in manual.requirements} == {"law", "standard", "good_practice"}
    assert set(manual.release_notes) == {"fr", "nl", "en"}


def test_every_old_key_is_accounted_for():
    old, new = load_manuals(SHIPPED)
    keys = set(new.requirement_keys)
    for key in old.requirement_keys:
        assert key in keys or new.maps_to(key), key
        assert set(new.maps_to(key)) <= keys


# topic -> (requirement key, references that must appear in it)
OBLIGATIONS = {
    "statement handed over with the device, proof of handover":
        ("PRD-13", {"MDR Art. 21(2)", "MDR Annex XIII §1", "MDCG 2021-3 Q9"}),
    "statement content": ("PRD-05", {"MDR Annex XIII §1"}),
    "notification per RD 18.03.1999 art. 10": ("BEL-01", {"BE RD 18.03.1999 Art. 10 §1",
                                                           "BE RD 24.10.2024",
                                                           "MDR Art. 21(2)"}),
    "what makes a device custom-made, digital workflow": ("DES-03", {
        "MDCG 2021-3 Q1", "MDCG 2021-3 Q4", "MDCG 2021-3 Q5"}),
    "one language rule": ("BEL-05", {"MDR Art. 10(11)", "BE Law 22.12.2020 ch. 2 sect. 3"}),
    "implant card": ("PRD-14", {"MDR Art. 18(1)", "MDR Art. 18(3)"}),
    "PSUR by class": ("PMS-03", {"MDR Art. 86(1)", "MDR Annex VIII rule 9"}),
    "PSUR of implantables": ("PMS-14", {"MDR Art. 86(2)"}),
    "powered: electrical safety": ("RISK-15", {"MDR Annex I §14.2", "MDR Annex I §18.7"}),
    "powered: batteries": ("RISK-16", {"MDR Annex I §18.2"}),
    "powered: software": ("RISK-17", {"MDR Annex I §17.2", "EN 62304:2006+A1:2015"}),
    "label lot/serial and date of manufacture": ("PRD-06", {"MDR Annex I §23.2"}),
    "financial coverage": ("BEL-04", {"MDR Art. 10(16)"}),
    "who may prescribe": ("DES-01", {"BE RD 07.04.2023", "MDCG 2021-3 Q7"}),
    "prescription minimum content": ("DES-12", {"MDCG 2021-3 Q6", "MDR Annex XIII §1"}),
    "retention": ("TRC-07", {"MDR Annex XIII §4", "MDR Annex IX §8"}),
}


@pytest.mark.parametrize("topic", sorted(OBLIGATIONS))
def test_the_obligation_is_present(manual, topic):
    key, needed = OBLIGATIONS[topic]
    assert needed <= set(refs(manual, key)), (topic, refs(manual, key))


def test_texts_name_what_the_review_asked_for(manual):
    by_key = {r.key: r for r in manual.requirements}
    assert "lot or serial number" in by_key["PRD-06"].guidance["en"]
    assert "date of manufacture" in by_key["PRD-06"].guidance["en"]
    assert "two copies" in by_key["PRD-13"].guidance["en"]
    assert "30 days" in by_key["BEL-01"].guidance["en"]
    assert "French, Dutch and German" in by_key["BEL-05"].guidance["en"]
    assert "physician" in by_key["DES-01"].guidance["en"]
    assert "zitschelpen" not in by_key["BEL-01"].guidance["nl"]
    assert "adapté au patient" not in by_key["DES-03"].guidance["fr"]
    assert "IIa, IIb or III" in by_key["RISK-14"].guidance["en"]


def test_criticality_and_applicability_fixes(manual):
    by_key = {r.key: r for r in manual.requirements}
    for key in ("PMS-08", "RISK-08", "PRD-11", "MGT-09", "QMS-11", "ORG-03"):
        assert by_key[key].criticality == "major", key
    for key in ("INF-02", "HR-09"):
        assert (by_key[key].criticality, by_key[key].basis) == ("minor", "good_practice"), key
    assert set(by_key["PMS-03"].applies_to) == {"class_iia_plus", "implantable"}
    assert {"RISK-15", "RISK-16", "RISK-17"} <= {
        r.key for r in manual.requirements if r.applies_to == ("powered",)}
    assert "MDR Art. 10(8)" not in {ref for key in ("TRC-07", "DES-07")
                                    for ref in by_key[key].references}
    assert not any(ref == "MDCG 2021-3" for r in manual.requirements for ref in r.references)


def test_retention_table(manual):
    rows = {row.key: row for row in manual.retention}
    assert {"statement", "documentation", "patient_file", "cessation"} <= set(rows)
    assert (rows["statement"].years, rows["statement"].years_implantable) == (10, 15)
    assert rows["statement"].basis == "law"
    assert rows["documentation"].basis == "good_practice"
    assert "MDR Annex XIII §4" in rows["statement"].sources
    used = {row for r in manual.requirements for row in r.retention}
    assert {"statement", "documentation", "patient_file", "cessation", "supply_chain"} <= used
