"""A member's activity profile: the flags that decide which requirements apply.

Shared by the members (who have a profile) and the manual (whose requirements say for
which profiles they apply). No Flask, no database.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Activity(StrEnum):
    ORTHOSES = "orthoses"
    PROSTHESES = "prostheses"
    FOOTWEAR = "footwear"
    INSOLES = "insoles"
    COMPRESSION = "compression"
    SEATING = "seating"
    CAD_CAM = "cad_cam"
    DISTRIBUTOR = "distributor"
    IMPLANTABLE = "implantable"
    EMPLOYEES = "employees"
    POWERED = "powered"
    CLASS_IIA_PLUS = "class_iia_plus"


ACTIVITY_LABELS = {
    Activity.ORTHOSES: _l("Orthoses"),
    Activity.PROSTHESES: _l("Prostheses"),
    Activity.FOOTWEAR: _l("Orthopaedic footwear"),
    Activity.INSOLES: _l("Insoles"),
    Activity.COMPRESSION: _l("Compression garments"),
    Activity.SEATING: _l("Seating and mobility aids"),
    Activity.CAD_CAM: _l("CAD/CAM or 3D printing"),
    Activity.DISTRIBUTOR: _l("Distributes CE-marked devices"),
    Activity.IMPLANTABLE: _l("Implantable devices"),
    Activity.EMPLOYEES: _l("Has employees"),
    Activity.POWERED: _l("Powered devices (batteries, motors, electronics, software)"),
    Activity.CLASS_IIA_PLUS: _l("Devices of class IIa or higher (e.g. FES orthoses)"),
}

ACTIVITY_FLAGS = frozenset(a.value for a in Activity)
ALL = "all"


def applies(applies_to: list[str], activities: list[str]) -> bool:
    """A requirement applies to every member (empty list) or to one with any listed flag."""
    return not applies_to or bool(set(applies_to) & set(activities))
