"""Settings read from the environment.

Every setting is checked once, at start-up; a wrong or missing one raises
:class:`ConfigError` whose message is the single line shown to the operator.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENVIRONMENTS = ("development", "production")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting is wrong or missing; the message names it."""


def load_settings(environ: Mapping[str, str], instance_path: Path) -> dict[str, object]:
    """Return the Flask config for ``environ``, creating instance files as needed."""
    env = environ.get("COMPLIANCE_ENV", "production").strip() or "production"
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"COMPLIANCE_ENV={env!r} is not valid: use one of {', '.join(ENVIRONMENTS)}"
        )
    development = env == "development"
    settings: dict[str, object] = {
        "COMPLIANCE_ENV": env,
        "SECRET_KEY": _secret_key(environ, instance_path, development),
        "AUDIT_KEY": _audit_key(environ, instance_path, development),
        "SQLALCHEMY_DATABASE_URI": database_url(
            environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'compliance.db'}"
        ),
        "EVIDENCE_DIR": str(Path(environ.get("EVIDENCE_DIR") or instance_path / "evidence")),
        "EVIDENCE_STORE": _choice(environ, "EVIDENCE_STORE", ("folder", "database")),
        "MAX_UPLOAD_MB": _int(environ, "MAX_UPLOAD_MB", 20, 1, 1024),
        # Unreferenced evidence files younger than this are left alone by the collection:
        # an upload places its file before its row is committed.
        "EVIDENCE_GC_GRACE_HOURS": _int(environ, "EVIDENCE_GC_GRACE_HOURS", 24, 1, 24 * 90),
        "TRUSTED_PROXIES": _int(environ, "TRUSTED_PROXIES", 0, 0, 5),
        "METRICS_TOKEN": environ.get("METRICS_TOKEN", "").strip() or None,
        "DB_POOL_SIZE": _int(environ, "DB_POOL_SIZE", 5, 1, 100),
        "DB_MAX_OVERFLOW": _int(environ, "DB_MAX_OVERFLOW", 5, 0, 100),
        # Requests per API token and minute (then 429 with Retry-After).
        "API_RATE_LIMIT": _int(environ, "API_RATE_LIMIT", 120, 1, 100_000),
        "SESSION_COOKIE_SECURE": _bool(environ, "SESSION_COOKIE_SECURE", not development),
        "REMEMBER_COOKIE_SECURE": _bool(environ, "SESSION_COOKIE_SECURE", not development),
    }
    settings.update(_smtp(environ))
    settings.update(_reminders(environ))
    settings.update(_accounts(environ))
    settings["SCORING_POLICY"] = _scoring(environ)
    settings["MAIL_TRANSPORT"] = _mail_transport(environ, development, instance_path)
    if not development:
        _required_in_production(environ)
    return settings


#: Where an installed package keeps its instance folder when COMPLIANCE_INSTANCE is unset.
INSTALLED_INSTANCE = Path("/var/lib/compliance")
MAIL_TRANSPORTS = ("smtp", "outbox")


def instance_folder(environ: Mapping[str, str], checkout_instance: Path | None) -> Path:
    """The instance folder (SQLite database, evidence, outbox; the secret key in
    development): COMPLIANCE_INSTANCE, else ./instance in a checkout, else
    /var/lib/compliance for an installed package — never inside site-packages, which the
    next upgrade replaces. Created when missing."""
    raw = environ.get("COMPLIANCE_INSTANCE", "").strip()
    path = Path(raw).absolute() if raw else (checkout_instance or INSTALLED_INSTANCE)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"the instance folder {path} cannot be created ({exc.strerror}): "
                          "set COMPLIANCE_INSTANCE to a folder this user may write") from None
    return path


def _mail_transport(environ: Mapping[str, str], development: bool, instance_path: Path) -> str:
    """How mail leaves: "smtp" (SMTP_HOST), or "outbox" (.eml files in the instance's
    outbox/ folder). Production never falls back to the outbox: it must be named."""
    raw = environ.get("MAIL_TRANSPORT", "").strip().lower()
    has_host = bool(environ.get("SMTP_HOST", "").strip())
    if raw and raw not in MAIL_TRANSPORTS:
        raise ConfigError(f"MAIL_TRANSPORT={raw!r} is not valid: use smtp or outbox")
    if raw == "smtp" and not has_host:
        raise ConfigError("MAIL_TRANSPORT=smtp needs SMTP_HOST, the mail server's name")
    if raw == "outbox" and has_host:
        raise ConfigError("MAIL_TRANSPORT=outbox and SMTP_HOST are both set: choose one")
    if raw:
        return raw
    if has_host:
        return "smtp"
    if development:
        return "outbox"
    raise ConfigError("no mail transport: set SMTP_HOST (with SMTP_PORT, SMTP_USERNAME...) to "
                      f"send e-mail, or MAIL_TRANSPORT=outbox to write it to "
                      f"{instance_path / 'outbox'} instead")


def _required_in_production(environ: Mapping[str, str]) -> None:
    """Settings whose development defaults would be silently wrong in production."""
    needed = {
        "BASE_URL": "the https:// address people open, used in e-mail and calendar links",
        "MAIL_FROM": "the sender of the e-mails, e.g. compliance@your-association.be",
    }
    for name, meaning in needed.items():
        if not environ.get(name, "").strip():
            raise ConfigError(f"{name} is not set: it is required when COMPLIANCE_ENV is "
                              f"production ({meaning})")


def database_url(raw: str) -> str:
    """Check a database URL and name the psycopg 3 driver explicitly for PostgreSQL."""
    raw = raw.strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL {raw!r} is not a database URL") from None
    if url.get_backend_name() == "postgresql":
        if url.get_driver_name() not in ("psycopg", ""):
            raise ConfigError("DATABASE_URL must use the psycopg driver: postgresql+psycopg://...")
        url = url.set(drivername="postgresql+psycopg")
    elif url.get_backend_name() != "sqlite":
        raise ConfigError(
            f"DATABASE_URL uses {url.get_backend_name()!r}: "
            "only sqlite and postgresql are supported"
        )
    return url.render_as_string(hide_password=False)


def _secret_key(environ: Mapping[str, str], instance_path: Path, development: bool) -> str:
    return _key(environ, "SECRET_KEY", instance_path / "secret_key", development)


def _audit_key(environ: Mapping[str, str], instance_path: Path, development: bool) -> str:
    """Authenticates the audit events: kept outside the database, so that someone who
    can write to it cannot rewrite the history unnoticed (see compliance.audit)."""
    key = _key(environ, "AUDIT_KEY", instance_path / "audit_key", development)
    if key == environ.get("SECRET_KEY", "").strip():
        raise ConfigError("AUDIT_KEY must differ from SECRET_KEY")
    return key


def _key(environ: Mapping[str, str], name: str, path: Path, development: bool) -> str:
    key = environ.get(name, "").strip()
    if key:
        if len(key) < 32:
            raise ConfigError(f"{name} is too short: use at least 32 random characters")
        return key
    if not development:
        raise ConfigError(
            f"{name} is not set: it is required when COMPLIANCE_ENV is production"
        )
    # Development: one random key, generated once and kept with the instance data.
    instance_path = path.parent
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _smtp(environ: Mapping[str, str]) -> dict[str, object]:
    starttls = _bool(environ, "SMTP_STARTTLS", False)
    username = environ.get("SMTP_USERNAME", "").strip() or None
    password = environ.get("SMTP_PASSWORD", "") or None
    if username and not password:
        raise ConfigError("SMTP_USERNAME is set but SMTP_PASSWORD is not")
    mail_from = environ.get("MAIL_FROM", "").strip() or "compliance@localhost"
    address = parseaddr(mail_from)[1]
    if not address.endswith("@localhost"):  # development's sender needs no check
        from email_validator import EmailNotValidError, validate_email  # 70 ms: only here

        try:
            validate_email(address, check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ConfigError(f"MAIL_FROM {mail_from!r} is not an e-mail address") from None
    return {
        "SMTP_HOST": environ.get("SMTP_HOST", "").strip() or None,
        "SMTP_PORT": _int(environ, "SMTP_PORT", 587 if starttls else 25, 1, 65535),
        "SMTP_STARTTLS": starttls,
        "SMTP_USERNAME": username,
        "SMTP_PASSWORD": password,
        "MAIL_FROM": mail_from,
    }


def _reminders(environ: Mapping[str, str]) -> dict[str, object]:
    base_url = environ.get("BASE_URL", "").strip() or "http://127.0.0.1:5000"
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"BASE_URL {base_url!r} must start with http:// or https://")
    time = environ.get("REMINDER_TIME", "").strip() or "07:00"
    try:
        hour, minute = (int(part) for part in time.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise ConfigError(f"REMINDER_TIME={time!r} is not a time of day HH:MM") from None
    raw_days = environ.get("REMINDER_DAYS_BEFORE", "").strip() or "30,7,1"
    try:
        days_before = sorted({int(d) for d in raw_days.split(",")}, reverse=True)
        if any(d <= 0 for d in days_before):
            raise ValueError
    except ValueError:
        raise ConfigError(f"REMINDER_DAYS_BEFORE={raw_days!r} must list whole numbers of "
                          "days, e.g. 30,7,1") from None
    return {
        "BASE_URL": base_url.rstrip("/"),
        "REMINDER_TIME": (hour, minute),
        "REMINDER_DAYS_BEFORE": days_before,
        "REMINDER_OVERDUE_EVERY": _int(environ, "REMINDER_OVERDUE_EVERY", 7, 1, 90),
        "REMINDER_RETRY_MINUTES": _int(environ, "REMINDER_RETRY_MINUTES", 10, 1, 24 * 60),
        "REVIEW_DAYS": _int(environ, "REVIEW_DAYS", 14, 1, 365),
    }


def _accounts(environ: Mapping[str, str]) -> dict[str, object]:
    """Sessions and e-mailed links (invitations, password resets)."""
    from datetime import timedelta

    return {
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=_int(environ, "SESSION_LIFETIME_HOURS", 12, 1, 24 * 31)),
        "INVITATION_HOURS": _int(environ, "INVITATION_HOURS", 72, 1, 24 * 31),
        "RESET_HOURS": _int(environ, "RESET_HOURS", 2, 1, 72),
    }


def _scoring(environ: Mapping[str, str]):  # noqa: ANN202 - a ScoringPolicy
    from compliance.scoring import ScoringPolicy

    major = _int(environ, "SCORE_WEIGHT_MAJOR", 3, 1, 100)
    minor = _int(environ, "SCORE_WEIGHT_MINOR", 1, 1, 100)
    ready = _int(environ, "READY_THRESHOLD", 80, 1, 100)
    nearly = _int(environ, "NEARLY_READY_THRESHOLD", 60, 1, 100)
    if nearly > ready:
        raise ConfigError(f"NEARLY_READY_THRESHOLD={nearly} is above READY_THRESHOLD={ready}")
    return ScoringPolicy(weights={"major": float(major), "minor": float(minor)},
                         ready_at=float(ready), nearly_ready_at=float(nearly))


def _int(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range: use {low} to {high}")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first when unset)."""
    raw = environ.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r} must be one of: {', '.join(choices)}")
    return raw


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value: use true or false")


def from_os_environ(instance_path: Path) -> dict[str, object]:
    return load_settings(os.environ, instance_path)
