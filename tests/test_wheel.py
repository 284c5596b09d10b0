"""The package as an IT provider or a container build installs it: the wheel built from
the repository, installed into a new virtual environment outside the checkout, migrates
a database, imports the shipped manual, creates the first administrator and serves its
pages in French (compiled catalogues) with their static files through gunicorn.

About a minute, most of it pip: `pytest -m "not wheel"` leaves it out while working.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "instance", "build", "dist", "*.egg-info",
                                    "__pycache__", "*.pyc", "*.mo", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis", "test-artifacts")


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                          check=False, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A copy of the source (so that the build leaves nothing in the checkout), its wheel,
    and a new virtual environment with the wheel and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, work / "source", ignore=NOT_SOURCE)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run([*pip, "wheel", "--no-deps", "--wheel-dir", work / "dist", work / "source"])
    (wheel,) = (work / "dist").glob("compliance-*.whl")
    run([sys.executable, "-m", "venv", "--without-pip", work / "venv"])
    run([*pip, "--python", work / "venv" / "bin" / "python", "install", "--no-compile",
         f"{wheel}[prod]"])
    return work / "venv"


def production_environ(venv: Path, folder: Path) -> dict[str, str]:
    return {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8",
        "COMPLIANCE_ENV": "production", "SECRET_KEY": "s" * 48, "AUDIT_KEY": "a" * 48,
        "COMPLIANCE_INSTANCE": str(folder / "instance"),
        "DATABASE_URL": f"sqlite:///{folder / 'compliance.db'}",
        "BASE_URL": "https://compliance.union.example", "MAIL_FROM": "compliance@union.example",
        "MAIL_TRANSPORT": "outbox",
    }


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert server.poll() is None, server.communicate()[1]
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not answer in {timeout} s"
            time.sleep(0.2)


def test_the_installed_wheel_migrates_imports_the_manual_and_serves_pages(venv, tmp_path):
    environ = production_environ(venv, tmp_path)

    def compliance(*args: str) -> str:
        return run([venv / "bin" / "compliance", *args], env=environ, cwd=tmp_path).stdout

    checklists = Path(compliance("files", "checklists").strip())
    assert checklists.is_relative_to(venv) and not checklists.is_relative_to(ROOT)
    compliance("db", "upgrade")
    assert compliance("manual", "import", str(checklists / "mdr-cmd")).startswith(
        "imported mdr-cmd ")
    compliance("users", "create", "--email", "admin@union.example", "--role", "admin")
    assert "admin@union.example\tadmin" in compliance("users", "list")
    assert (tmp_path / "compliance.db").is_file()

    port = free_port()
    server = subprocess.Popen(
        [venv / "bin" / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "compliance.wsgi:app"], env=environ, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/static/app.css", server)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/login",
                                         headers={"Accept-Language": "fr"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert "<h1>Se connecter</h1>" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css") as response:
            assert response.read() == (ROOT / "static" / "app.css").read_bytes()
    finally:
        server.terminate()
        server.communicate(timeout=30)
