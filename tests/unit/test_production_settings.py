"""Production settings cannot be silently wrong: the address in e-mails, their sender and
the way they leave are named, and an installed package keeps its data outside
site-packages."""


import pytest

from compliance.config import INSTALLED_INSTANCE, ConfigError, instance_folder, load_settings

PRODUCTION = {"SECRET_KEY": "k" * 40, "AUDIT_KEY": "a" * 40, "BASE_URL": "https://compliance.union.example",
              "MAIL_FROM": "compliance@union.example", "SMTP_HOST": "mail.union.example"}


def without(*names: str, **extra: str) -> dict[str, str]:
    return {**{k: v for k, v in PRODUCTION.items() if k not in names}, **extra}


def test_a_complete_production_configuration_is_accepted(tmp_path):
    config = load_settings(PRODUCTION, tmp_path)
    assert config["MAIL_TRANSPORT"] == "smtp"
    assert config["BASE_URL"] == "https://compliance.union.example"
    assert config["MAIL_FROM"] == "compliance@union.example"


@pytest.mark.parametrize(("environ", "message"), [
    (without("BASE_URL"), "BASE_URL is not set: it is required when COMPLIANCE_ENV is "
                          "production (the https:// address people open"),
    (without("MAIL_FROM"), "MAIL_FROM is not set: it is required when COMPLIANCE_ENV is "
                           "production (the sender of the e-mails"),
    (without("SMTP_HOST"), "no mail transport: set SMTP_HOST (with SMTP_PORT, SMTP_USERNAME"
                           "...) to send e-mail, or MAIL_TRANSPORT=outbox to write it to "),
    (without("SMTP_HOST", MAIL_TRANSPORT="smtp"), "MAIL_TRANSPORT=smtp needs SMTP_HOST"),
    (without(MAIL_TRANSPORT="outbox"), "MAIL_TRANSPORT=outbox and SMTP_HOST are both set"),
    (without(MAIL_TRANSPORT="pigeon"), "MAIL_TRANSPORT='pigeon' is not valid: use smtp or "
                                       "outbox"),
])
def test_production_names_what_is_missing_in_one_line(tmp_path, environ, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ, tmp_path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_the_outbox_is_used_in_production_only_when_named(tmp_path):
    config = load_settings(without("SMTP_HOST", MAIL_TRANSPORT="outbox"), tmp_path)
    assert (config["MAIL_TRANSPORT"], config["SMTP_HOST"]) == ("outbox", None)


def test_development_keeps_its_defaults(tmp_path):
    config = load_settings({"COMPLIANCE_ENV": "development"}, tmp_path)
    assert config["MAIL_TRANSPORT"] == "outbox"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["MAIL_FROM"] == "compliance@localhost"


def test_the_instance_folder_is_named_or_the_checkouts_or_var_lib(tmp_path, monkeypatch):
    named = instance_folder({"COMPLIANCE_INSTANCE": str(tmp_path / "named")}, None)
    assert named == tmp_path / "named" and named.is_dir()
    checkout = instance_folder({}, tmp_path / "checkout" / "instance")
    assert checkout == tmp_path / "checkout" / "instance"
    monkeypatch.chdir(tmp_path)
    assert instance_folder({"COMPLIANCE_INSTANCE": "relative"}, None) == tmp_path / "relative"
    assert str(INSTALLED_INSTANCE) == "/var/lib/compliance"
    monkeypatch.setattr("compliance.config.INSTALLED_INSTANCE", tmp_path / "var-lib")
    assert instance_folder({}, None) == tmp_path / "var-lib"  # installed: not site-packages


def test_an_instance_folder_that_cannot_be_made_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match=f"the instance folder {blocker / 'inst'} cannot be "
                                          "created .*: set COMPLIANCE_INSTANCE"):
        instance_folder({"COMPLIANCE_INSTANCE": str(blocker / "inst")}, None)
