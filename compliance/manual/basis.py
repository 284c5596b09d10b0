"""What a requirement rests on, in words: the law, a standard, or the association's good
practice. Shown wherever a requirement is (checklist, review, manual, reports), so that a
workshop is never told a good-practice choice is a legal duty."""

from flask_babel import lazy_gettext as _l

BASIS_LABELS = {
    "law": _l("Law"),
    "standard": _l("Standard"),
    "good_practice": _l("Good practice"),
}
BASIS_HINTS = {
    "law": _l("The MDR or Belgian law imposes it."),
    "standard": _l("A harmonised or state-of-the-art standard asks for it."),
    "good_practice": _l("The association's good practice: recommended, not a legal duty."),
}
