import pytest

from compliance.members.enterprise_number import (
    InvalidEnterpriseNumber,
    make_enterprise_number,
    normalize_enterprise_number,
)


@pytest.mark.parametrize("raw", ["0123.456.749", "0123456749", "BE 0123 456 749", "be0123-456-749",
                                 "123456749"])
def test_accepts_the_usual_spellings_of_a_valid_number(raw):
    assert normalize_enterprise_number(raw) == "0123.456.749"


@pytest.mark.parametrize(("raw", "reason"), [
    ("0123.456.748", "the check digits do not match"),
    ("0123.456.7", "it must have 10 digits"),
    ("0123.456.7490", "it must have 10 digits"),
    ("2123.456.7xx", "only digits are allowed"),
    ("2000.000.095", "it must start with 0 or 1"),
    ("", "it must have 10 digits"),
])
def test_refuses_with_the_reason(raw, reason):
    with pytest.raises(InvalidEnterpriseNumber) as caught:
        normalize_enterprise_number(raw)
    assert caught.value.reason == reason


def test_made_numbers_pass_the_check():
    number = make_enterprise_number("04567890")
    assert normalize_enterprise_number(number) == number
    assert number.startswith("0456.789.0")
