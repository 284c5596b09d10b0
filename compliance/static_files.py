"""Static files with versioned addresses: ``url_for('static', filename='app.css')`` gives
``/static/app.css?v=<hash of the content>``. A request with the current version is
cached for a year (``immutable``): a new release changes the hash, hence the address.
Any other (no or an old version) must be revalidated (``no-cache``, with an ETag).

The files are small: they are answered from memory, not streamed, so that the
response compression (Flask-Compress) applies to them too.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
_cache: dict[Path, tuple[float, str, bytes]] = {}  # path → (mtime, version, content)


def _load(path: Path) -> tuple[str, bytes]:
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        content = path.read_bytes()
        cached = (mtime, hashlib.sha256(content).hexdigest()[:16], content)
        _cache[path] = cached
    return cached[1], cached[2]


def _path(app: Flask, filename: str) -> Path | None:
    joined = safe_join(str(app.static_folder), filename)
    return Path(joined) if joined is not None and Path(joined).is_file() else None


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            path = _path(app, values.get("filename", ""))
            if path is not None:
                values["v"] = _load(path)[0]

    def static(filename: str) -> Response:
        path = _path(app, filename)
        if path is None:
            abort(404)
        version, content = _load(path)
        response = Response(content, mimetype=mimetypes.guess_type(path.name)[0]
                            or "application/octet-stream")
        response.set_etag(version)
        if request.args.get("v") == version:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    app.view_functions["static"] = static
