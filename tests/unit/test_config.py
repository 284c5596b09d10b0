from pathlib import Path

import pytest

from compliance.config import ConfigError, database_url, load_settings


def settings(tmp_path: Path, **environ: str):
    return load_settings(environ, tmp_path)


def test_production_requires_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        settings(tmp_path)


def test_a_short_secret_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is too short"):
        settings(tmp_path, SECRET_KEY="short")


def test_development_key_is_generated_once_and_kept(tmp_path):
    first = settings(tmp_path, COMPLIANCE_ENV="development")["SECRET_KEY"]
    second = settings(tmp_path, COMPLIANCE_ENV="development")["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_live_under_the_instance_folder(tmp_path):
    config = settings(tmp_path, COMPLIANCE_ENV="development")
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'compliance.db'}"
    assert config["EVIDENCE_DIR"] == str(tmp_path / "evidence")
    assert config["SMTP_HOST"] is None
    assert config["SESSION_COOKIE_SECURE"] is False


def test_production_cookies_are_secure(tmp_path):
    config = settings(tmp_path, SECRET_KEY="k" * 40, AUDIT_KEY="a" * 40,
                      BASE_URL="https://c.example", MAIL_FROM="c@c.example",
                      MAIL_TRANSPORT="outbox")
    assert config["SESSION_COOKIE_SECURE"] is True


def test_production_requires_an_audit_key_of_its_own(tmp_path):
    with pytest.raises(ConfigError, match="AUDIT_KEY is not set: it is required"):
        settings(tmp_path, SECRET_KEY="k" * 40)
    with pytest.raises(ConfigError, match="AUDIT_KEY is too short"):
        settings(tmp_path, SECRET_KEY="k" * 40, AUDIT_KEY="short")
    with pytest.raises(ConfigError, match="AUDIT_KEY must differ from SECRET_KEY"):
        settings(tmp_path, SECRET_KEY="k" * 40, AUDIT_KEY="k" * 40)


def test_development_audit_key_is_generated_beside_the_secret_key(tmp_path):
    first = settings(tmp_path, COMPLIANCE_ENV="development")
    assert first["AUDIT_KEY"] == (tmp_path / "audit_key").read_text() != first["SECRET_KEY"]
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    assert settings(tmp_path, COMPLIANCE_ENV="development")["AUDIT_KEY"] == first["AUDIT_KEY"]


def test_the_evidence_grace_period_is_a_setting(tmp_path):
    assert settings(tmp_path, COMPLIANCE_ENV="development")["EVIDENCE_GC_GRACE_HOURS"] == 24
    assert settings(tmp_path, COMPLIANCE_ENV="development",
                    EVIDENCE_GC_GRACE_HOURS="48")["EVIDENCE_GC_GRACE_HOURS"] == 48
    with pytest.raises(ConfigError, match="EVIDENCE_GC_GRACE_HOURS=0 is out of range"):
        settings(tmp_path, COMPLIANCE_ENV="development", EVIDENCE_GC_GRACE_HOURS="0")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("COMPLIANCE_ENV", "staging", "COMPLIANCE_ENV='staging' is not valid"),
    ("SMTP_PORT", "smtp", "SMTP_PORT='smtp' is not a whole number"),
    ("SMTP_PORT", "70000", "SMTP_PORT=70000 is out of range"),
    ("SMTP_STARTTLS", "maybe", "SMTP_STARTTLS='maybe' is not a yes/no value"),
    ("SMTP_USERNAME", "mailer", "SMTP_USERNAME is set but SMTP_PASSWORD is not"),
    ("MAIL_FROM", "not an address", "MAIL_FROM 'not an address' is not an e-mail address"),
    ("DATABASE_URL", "mysql://x@localhost/db", "only sqlite and postgresql are supported"),
    ("DATABASE_URL", "::nonsense::", "is not a database URL"),
    ("MAX_UPLOAD_MB", "0", "MAX_UPLOAD_MB=0 is out of range"),
])
def test_a_wrong_setting_is_named_in_one_line(tmp_path, name, value, message):
    environ = {"COMPLIANCE_ENV": "development", name: value}
    with pytest.raises(ConfigError) as caught:
        load_settings(environ, tmp_path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_smtp_settings_are_read(tmp_path):
    config = settings(tmp_path, COMPLIANCE_ENV="development", SMTP_HOST="mail.example",
                      SMTP_STARTTLS="yes", SMTP_USERNAME="u", SMTP_PASSWORD="p",
                      MAIL_FROM="Association <noreply@union.example>")
    assert (config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_STARTTLS"]) == \
        ("mail.example", 587, True)
    assert config["MAIL_FROM"] == "Association <noreply@union.example>"


@pytest.mark.parametrize("raw", ["postgres://u@h/db", "postgresql://u@h/db",
                                 "postgresql+psycopg://u@h/db"])
def test_postgresql_urls_name_psycopg3(raw):
    assert database_url(raw) == "postgresql+psycopg://u@h/db"


def test_another_postgresql_driver_is_refused():
    with pytest.raises(ConfigError, match="psycopg driver"):
        database_url("postgresql+psycopg2://u@h/db")


def test_scoring_weights_and_thresholds_are_settings(tmp_path):
    policy = settings(tmp_path, COMPLIANCE_ENV="development", SCORE_WEIGHT_MAJOR="5",
                      READY_THRESHOLD="90", NEARLY_READY_THRESHOLD="70")["SCORING_POLICY"]
    assert policy.weights == {"major": 5.0, "minor": 1.0}
    assert (policy.ready_at, policy.nearly_ready_at) == (90.0, 70.0)
    with pytest.raises(ConfigError, match="NEARLY_READY_THRESHOLD=85 is above"):
        settings(tmp_path, COMPLIANCE_ENV="development", NEARLY_READY_THRESHOLD="85")
