"""The deployment files agree with the application: the example settings are a valid
production configuration once the secret key is set (and nothing starts before), the
units start what exists, nginx sets what TRUSTED_PROXIES expects and lets the largest
upload through."""

from __future__ import annotations

import re
import subprocess
from importlib.util import find_spec
from pathlib import Path

import pytest

from compliance.commands import COMMANDS
from compliance.config import ConfigError, load_settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def example_settings(tmp_path: Path) -> dict[str, str]:
    """The example file read as the wrapper reads it: sourced by sh."""
    done = subprocess.run(["sh", "-c", f"set -a; . {DEPLOY / 'compliance.env.example'}; env -0"],
                          env={"PATH": "/usr/bin:/bin"}, capture_output=True, check=True)
    pairs = (item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return {k: v for k, v in pairs if k not in ("PATH", "PWD", "SHLVL", "_")}


def test_the_example_settings_need_a_secret_key_then_are_valid(tmp_path):
    environ = example_settings(tmp_path)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings(environ, tmp_path)
    with pytest.raises(ConfigError, match="AUDIT_KEY is not set"):
        load_settings({**environ, "SECRET_KEY": "0" * 64}, tmp_path)
    config = load_settings({**environ, "SECRET_KEY": "0" * 64, "AUDIT_KEY": "1" * 64}, tmp_path)
    assert config["COMPLIANCE_ENV"] == "production" and config["MAIL_TRANSPORT"] == "smtp"
    assert config["MAIL_FROM"] == "MDR compliance <compliance@example.be>"
    assert config["TRUSTED_PROXIES"] == 1
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://compliance@/")


def test_the_units_start_what_the_package_provides():
    web = (DEPLOY / "compliance-web.service").read_text().replace("\\\n", " ")
    module, app = re.search(r"^ExecStart=\S+/gunicorn .* (\S+):(\w+)$", web, re.M).groups()
    assert (module, app) == ("compliance.wsgi", "app") and find_spec(module) is not None
    scheduler = (DEPLOY / "compliance-scheduler.service").read_text()
    command = re.search(r"^ExecStart=/opt/compliance/venv/bin/compliance (\w+)$", scheduler,
                        re.M).group(1)
    backup = (DEPLOY / "compliance-backup.service").read_text()
    assert command in COMMANDS and "bin/compliance backup" in backup
    for unit in (web, scheduler, backup):
        assert "EnvironmentFile=/etc/compliance/compliance.env" in unit
        assert "User=compliance" in unit


def test_nginx_sets_the_forwarded_headers_hsts_and_the_upload_size():
    conf = (DEPLOY / "nginx.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in conf
    assert re.search(r'add_header Strict-Transport-Security "max-age=\d{8}', conf)
    size = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert size >= 10 * 20  # ten files of MAX_UPLOAD_MB (20) in one request
    assert "return 301 https://" in conf


def test_the_container_runs_the_installed_wheel():
    containerfile = (DEPLOY / "Containerfile").read_text()
    assert "pip wheel" in containerfile and "compliance-*.whl')[prod]" in containerfile
    assert "USER compliance" in containerfile and "COMPLIANCE_INSTANCE=/var/lib/compliance" \
        in containerfile
    assert '"compliance.wsgi:app"]' in containerfile
    ignored = (DEPLOY.parent / ".dockerignore").read_text().split()
    assert {"instance", ".venv", ".git"} <= set(ignored)
