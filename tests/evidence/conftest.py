from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch) -> Path:
    """Each test stores its files in a folder of its own (the app is shared by the session)."""
    root = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(root))
    return root
