"""Static files: versioned addresses cached for a year, others revalidated, compressed."""

from __future__ import annotations

import gzip
import re

from compliance import FILES_ROOT

CSS = (FILES_ROOT / "static" / "app.css").read_bytes()


def versioned(client, name: str = "app.css") -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(rf'/static/{re.escape(name)}\?v=([0-9a-f]{{16}})', page)
    assert match, page[:500]
    return match.group(0)


def test_pages_link_versioned_files_cached_for_a_year(client):
    url = versioned(client)
    response = client.get(url)
    assert response.status_code == 200 and response.data == CSS
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == "text/css"


def test_an_address_without_or_with_an_old_version_is_revalidated(client):
    for url in ("/static/app.css", "/static/app.css?v=0123456789abcdef"):
        response = client.get(url)
        assert response.status_code == 200 and response.data == CSS
        assert response.headers["Cache-Control"] == "no-cache"
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""


def test_static_files_go_compressed_to_who_accepts_it(client):
    response = client.get(versioned(client), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == CSS
    assert len(response.data) < len(CSS) / 3
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_file_outside_the_folder_or_missing_is_not_found(client):
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404
