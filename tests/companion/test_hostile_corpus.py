"""Hostile and malformed requests: each gets a clear 4xx, writes nothing outside the root,
echoes no secret and leaves the server healthy."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from .support import CONNECTION

C = f"connections/{CONNECTION}"
PASSWORD = "changeit"
URL_SECRET = "pw-in-url-123"
UNKNOWN_PERM = "20990101000000000-1"
PERM = "20250123080000000-19"
RTL = "\u202e"
DEEP_JSON = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
NESTED_65 = b'{"name": ' + b"[" * 65 + b"]" * 65 + b"}"

# (id, method, path, body | raw bytes, query params, expected statuses)
CORPUS: list[tuple[str, str, str, object, dict, set[int]]] = [
    # --- connections -----------------------------------------------------------------
    ("conn-bad-json", "POST", "connections", b"{not json", {}, {400}),
    ("conn-json-array", "POST", "connections", b"[1, 2]", {}, {400}),
    ("conn-json-string", "POST", "connections", b'"text"', {}, {400}),
    ("conn-bad-utf8", "POST", "connections", b"\xff\xfe{}", {}, {400}),
    ("conn-missing-url", "POST", "connections", {"name": "x"}, {}, {400}),
    ("conn-missing-name", "POST", "connections", {"url": "https://h"}, {}, {400}),
    (
        "conn-name-traversal",
        "POST",
        "connections",
        {"name": "../etc", "url": "https://h"},
        {},
        {400},
    ),
    ("conn-name-rtl", "POST", "connections", {"name": f"a{RTL}b", "url": "https://h"}, {}, {400}),
    ("conn-name-nul", "POST", "connections", {"name": "a\x00b", "url": "https://h"}, {}, {400}),
    ("conn-name-number", "POST", "connections", {"name": 7, "url": "https://h"}, {}, {400}),
    ("conn-http-url", "POST", "connections", {"name": "x", "url": "http://example.org"}, {}, {400}),
    (
        "conn-url-credentials",
        "POST",
        "connections",
        {"name": "x", "url": f"https://u:{URL_SECRET}@h"},
        {},
        {400},
    ),
    ("conn-file-url", "POST", "connections", {"name": "x", "url": "file:///etc/passwd"}, {}, {400}),
    ("conn-url-number", "POST", "connections", {"name": "x", "url": 12345}, {}, {400}),
    (
        "conn-url-newline",
        "POST",
        "connections",
        {"name": "x", "url": "https://h\n.evil"},
        {},
        {400},
    ),
    (
        "conn-verify-string",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "verifyCertificates": "yes"},
        {},
        {400},
    ),
    (
        "conn-relative-ca",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "caBundle": "ca.pem"},
        {},
        {400},
    ),
    (
        "conn-unknown-field",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "shell": "rm -rf"},
        {},
        {400},
    ),
    ("conn-duplicate", "POST", "connections", {"name": CONNECTION, "url": "https://h"}, {}, {409}),
    (
        "conn-oversized",
        "POST",
        "connections",
        b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        {},
        {413},
    ),
    (
        "conn-encoded-dotdot",
        "POST",
        "connections/%2E%2E/login",
        {"password": PASSWORD},
        {},
        {400, 404},
    ),
    (
        "conn-encoded-slash",
        "POST",
        "connections/a%2Fb/login",
        {"password": PASSWORD},
        {},
        {400, 404},
    ),
    ("conn-unknown", "GET", "connections/nope", None, {}, {404}),
    (
        "conn-unknown-login",
        "POST",
        "connections/nope/login",
        {"username": "admin", "password": PASSWORD},
        {},
        {404},
    ),
    (
        "conn-login-number-password",
        "POST",
        f"{C}/login",
        {"username": "admin", "password": 123},
        {},
        {400},
    ),
    ("conn-login-list-token", "POST", f"{C}/login", {"token": ["x"]}, {}, {400}),
    ("conn-login-both", "POST", f"{C}/login", {"password": PASSWORD, "token": "t"}, {}, {400}),
    (
        "conn-login-extra",
        "POST",
        f"{C}/login",
        {"password": PASSWORD, "save_token": True},
        {},
        {400},
    ),
    ("conn-patch-readonly", "PATCH", C, {"url": "https://evil"}, {}, {409}),
    ("conn-delete-unknown", "DELETE", "connections/nope", None, {}, {404}),
    (
        "conn-url-unclosed-ipv6",
        "POST",
        "connections",
        {"name": "x", "url": "https://[::1"},
        {},
        {400},
    ),
    ("conn-deep-json", "POST", "connections", DEEP_JSON, {}, {400}),
    ("conn-nested-65", "POST", "connections", NESTED_65, {}, {400}),
    ("login-deep-json", "POST", f"{C}/login", DEEP_JSON, {}, {400}),
    (
        "conn-ca-shadow",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "caBundle": "/etc/shadow"},
        {},
        {400},
    ),
    (
        "conn-ca-passwd",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "caBundle": "/etc/passwd"},
        {},
        {400},
    ),
    (
        "conn-ca-directory",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "caBundle": "/etc"},
        {},
        {400},
    ),
    (
        "conn-ca-missing",
        "POST",
        "connections",
        {"name": "x", "url": "https://h", "caBundle": "/nonexistent/ca.pem"},
        {},
        {400},
    ),
    ("route-trailing-segment", "GET", f"{C}/spaces/extra", None, {}, {404}),
    ("route-unknown", "GET", "nope", None, {}, {404}),
    ("route-unknown-post", "POST", "connections/x/y/z", {}, {}, {404}),
    ("conn-live-flag", "GET", "connections", None, {"live": "perhaps"}, {400}),
    # --- browse and search -------------------------------------------------------------
    ("browse-negative-offset", "GET", f"{C}/spaces", None, {"offset": "-1"}, {400}),
    ("browse-zero-limit", "GET", f"{C}/spaces", None, {"limit": "0"}, {400}),
    ("browse-huge-limit", "GET", f"{C}/spaces", None, {"limit": "100000"}, {400}),
    ("browse-float-offset", "GET", f"{C}/spaces", None, {"offset": "1e3"}, {400}),
    ("browse-superscript-offset", "GET", f"{C}/spaces", None, {"offset": "\u00b2"}, {400}),
    ("browse-superscript-limit", "GET", f"{C}/spaces", None, {"limit": "\u00b2"}, {400}),
    ("browse-arabic-limit", "GET", f"{C}/spaces", None, {"limit": "\u0661\u0662"}, {400}),
    ("browse-sql-space", "GET", f"{C}/projects", None, {"space": "LAB'; DROP TABLE x"}, {400}),
    ("browse-traversal-project", "GET", f"{C}/experiments", None, {"project": "../../etc"}, {400}),
    (
        "browse-newline-experiment",
        "GET",
        f"{C}/samples",
        None,
        {"experiment": "/LAB/PROJ1/EXP1\n"},
        {400},
    ),
    ("browse-no-filter", "GET", f"{C}/datasets", None, {}, {400}),
    (
        "browse-script-sample",
        "GET",
        f"{C}/datasets",
        None,
        {"sample": "<script>alert(1)</script>"},
        {400},
    ),
    ("search-empty", "GET", f"{C}/search", None, {"q": ""}, {400}),
    ("search-too-long", "GET", f"{C}/search", None, {"q": "x" * 500}, {400}),
    ("search-bad-kind", "GET", f"{C}/search", None, {"q": "x", "kinds": "files"}, {400}),
    (
        "search-kinds-flood",
        "GET",
        f"{C}/search",
        None,
        {"q": "x", "kinds": ",".join(["dataSet"] * 3000)},
        {400},
    ),
    ("search-control", "GET", f"{C}/search", None, {"q": "a\x07b"}, {400}),
    ("search-unknown-conn", "GET", "connections/nope/search", None, {"q": "x"}, {404}),
    ("detail-not-permid", "GET", f"{C}/datasets/..%2F..%2Fetc", None, {}, {400}),
    ("detail-unknown", "GET", f"{C}/datasets/{UNKNOWN_PERM}", None, {}, {404}),
    ("types-bad-refresh", "GET", f"{C}/dataset-types", None, {"refresh": "maybe"}, {400}),
    ("job-bad-id", "GET", "jobs/notanid", None, {}, {404}),
    ("job-unknown", "GET", "jobs/" + "0" * 32, None, {}, {404}),
    ("job-cancel-unknown", "DELETE", "jobs/" + "0" * 32, None, {}, {404}),
    (
        "provenance-ids-flood",
        "DELETE",
        "provenance",
        None,
        {"path": "nb/analysis.ipynb", "ids": ",".join(f"i{n}" for n in range(101))},
        {400},
    ),
    # --- downloads -------------------------------------------------------------------
    (
        "dl-absolute",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "/tmp/evil"},
        {},
        {400},
    ),
    (
        "dl-dotdot",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "../outside"},
        {},
        {400},
    ),
    (
        "dl-inner-dotdot",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "nb/../../x"},
        {},
        {400},
    ),
    (
        "dl-symlink-out",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "nb/escape"},
        {},
        {403},
    ),
    (
        "dl-symlink-deeper",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "nb/escape/sub"},
        {},
        {403},
    ),
    (
        "dl-hidden",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": ".cache"},
        {},
        {403},
    ),
    (
        "dl-encoded-slash",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "nb%2F..%2F..%2Fx"},
        {},
        {400},
    ),
    (
        "dl-windows-drive",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "C:\\Windows"},
        {},
        {400},
    ),
    ("dl-home", "POST", f"{C}/downloads", {"permIds": [PERM], "destination": "~/x"}, {}, {400}),
    (
        "dl-notebook-escapes-beside-destination",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "data", "notebookPath": "../x.ipynb"},
        {},
        {400},
    ),
    ("dl-blank", "POST", f"{C}/downloads", {"permIds": [PERM], "destination": " "}, {}, {400}),
    (
        "dl-blank-segment",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "nb/ /x"},
        {},
        {400},
    ),
    (
        "dl-file-url",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "file:///etc/passwd"},
        {},
        {400},
    ),
    (
        "dl-https-url",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "https://evil.example/x"},
        {},
        {400},
    ),
    (
        "dl-files-flood",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "files": [f"original/f{n}" for n in range(1001)], "destination": "d"},
        {},
        {400},
    ),
    ("dl-deep-json", "POST", f"{C}/downloads", DEEP_JSON, {}, {400}),
    (
        "dl-backslash",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "a\\..\\b"},
        {},
        {400},
    ),
    (
        "dl-rtl-name",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": f"data{RTL}gpj.exe"},
        {},
        {400},
    ),
    (
        "dl-newline-name",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "a\nb"},
        {},
        {400},
    ),
    (
        "dl-long-segment",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "x" * 300},
        {},
        {400},
    ),
    (
        "dl-destination-number",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": 5},
        {},
        {400},
    ),
    # Unknown data sets and files, and a destination that is a file, are found inside the
    # job (202 at once): see test_downloads_api.py::test_lookups_end_the_job_before_writing.
    ("dl-empty-permids", "POST", f"{C}/downloads", {"permIds": [], "destination": "d"}, {}, {400}),
    (
        "dl-permids-string",
        "POST",
        f"{C}/downloads",
        {"permIds": PERM, "destination": "d"},
        {},
        {400},
    ),
    (
        "dl-permid-traversal",
        "POST",
        f"{C}/downloads",
        {"permIds": ["../../etc"], "destination": "d"},
        {},
        {400},
    ),
    (
        "dl-files-two-sets",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM, UNKNOWN_PERM], "files": ["a"], "destination": "d"},
        {},
        {400},
    ),
    (
        "dl-files-traversal",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "files": ["../../x"], "destination": "d"},
        {},
        {400},
    ),
    (
        "dl-flatten-string",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "flatten": "yes", "destination": "d"},
        {},
        {400},
    ),
    ("dl-no-destination", "POST", f"{C}/downloads", {"permIds": [PERM]}, {}, {400}),
    (
        "dl-absolute-notebook",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "notebookPath": "/etc/passwd"},
        {},
        {400},
    ),
    (
        "dl-unknown-field",
        "POST",
        f"{C}/downloads",
        {"permIds": [PERM], "destination": "d", "chmod": 777},
        {},
        {400},
    ),
    # --- environment files ------------------------------------------------------------
    (
        "env-dotdot",
        "POST",
        "env-files",
        {"notebookPath": "../x.ipynb", "runtime": "python-3.11"},
        {},
        {400},
    ),
    (
        "env-symlinked-folder",
        "POST",
        "env-files",
        {"notebookPath": "nb/escape/x.ipynb", "runtime": "python-3.11"},
        {},
        {403},
    ),
    (
        "env-hidden-folder",
        "POST",
        "env-files",
        {"notebookPath": ".ipynb_checkpoints/x.ipynb", "runtime": "p"},
        {},
        {403},
    ),
    (
        "env-not-notebook",
        "POST",
        "env-files",
        {"notebookPath": "nb/x.py", "runtime": "python-3.11"},
        {},
        {400},
    ),
    (
        "env-requirements-number",
        "POST",
        "env-files",
        {"notebookPath": "nb/analysis.ipynb", "requirements": 1},
        {},
        {400},
    ),
    (
        "env-requirements-nul",
        "POST",
        "env-files",
        {"notebookPath": "nb/analysis.ipynb", "requirements": "a\x00b"},
        {},
        {400},
    ),
    (
        "env-runtime-long",
        "POST",
        "env-files",
        {"notebookPath": "nb/analysis.ipynb", "runtime": "p" * 500},
        {},
        {400},
    ),
    (
        "env-custom-filename",
        "POST",
        "env-files",
        {"notebookPath": "nb/analysis.ipynb", "runtime": "p", "runtime_filename": "../../x"},
        {},
        {400},
    ),
    ("env-nothing", "POST", "env-files", {"notebookPath": "nb/analysis.ipynb"}, {}, {400}),
    (
        "env-missing-folder",
        "POST",
        "env-files",
        {"notebookPath": "nope/x.ipynb", "runtime": "p"},
        {},
        {400},
    ),
    # --- save -------------------------------------------------------------------------
    (
        "save-symlinked-notebook",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/link.ipynb", "experiment": "/LAB/PROJ1/EXP1"},
        {},
        {403},
    ),
    (
        "save-notebook-in-escape",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/escape/evil.ipynb", "experiment": "/LAB/PROJ1/EXP1"},
        {},
        {403},
    ),
    (
        "save-absolute-file",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "files": ["/etc/passwd"],
        },
        {},
        {400},
    ),
    (
        "save-symlinked-folder",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "files": ["nb/escape"],
        },
        {},
        {403},
    ),
    (
        "save-hidden-file",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "files": ["nb/.env"],
        },
        {},
        {403},
    ),
    (
        "save-files-string",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1", "files": "nb"},
        {},
        {400},
    ),
    (
        "save-properties-list",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1", "properties": ["x"]},
        {},
        {400},
    ),
    (
        "save-name-number",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": 5},
        },
        {},
        {400},
    ),
    (
        "save-bad-term",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "n", "KERNEL": "COBOL"},
        },
        {},
        {400},
    ),
    (
        "save-type-traversal",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1", "type": "../../x"},
        {},
        {400},
    ),
    (
        "save-bad-experiment",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "not an identifier"},
        {},
        {400},
    ),
    (
        "save-bad-parent",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1", "parents": ["x"]},
        {},
        {400},
    ),
    (
        "save-env-flag-string",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "includeEnvironment": "no",
        },
        {},
        {400},
    ),
    (
        "save-missing-notebook",
        "POST",
        f"{C}/datasets",
        {"experiment": "/LAB/PROJ1/EXP1"},
        {},
        {400},
    ),
    ("save-no-owner", "POST", f"{C}/datasets", {"notebookPath": "nb/analysis.ipynb"}, {}, {400}),
    (
        "save-env-file-link-out",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "envlink/nb.ipynb", "experiment": "/LAB/PROJ1/EXP1"},
        {},
        {403},
    ),
    (
        "save-files-flood",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "files": [f"nb/f{n}" for n in range(1001)],
        },
        {},
        {400},
    ),
    (
        "save-integer-5000-digits",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {"REPLICATES": "1" * 5000},
        },
        {},
        {400},
    ),
    (
        "save-integer-arabic-digits",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {"REPLICATES": "\u0661\u0662"},
        },
        {},
        {400},
    ),
    (
        "save-real-underscore",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {"TEMPERATURE": "1_000"},
        },
        {},
        {400},
    ),
    (
        "save-date-basic-format",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "RAW_DATA",
            "properties": {"MEASUREMENT_DATE": "20240101"},
        },
        {},
        {400},
    ),
    (
        "save-date-week-format",
        "POST",
        f"{C}/datasets",
        {
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "RAW_DATA",
            "properties": {"MEASUREMENT_DATE": "2024-W01-1"},
        },
        {},
        {400},
    ),
    ("save-deep-json", "POST", f"{C}/datasets", DEEP_JSON, {}, {400}),
    ("env-deep-json", "POST", "env-files", DEEP_JSON, {}, {400}),
    (
        "save-root-folder",
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1", "files": ["nb/.."]},
        {},
        {400},
    ),
]


def snapshot(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in folder.rglob("*")
        if not p.is_symlink()
    }


@pytest.fixture
def playground(jp_root_dir: Path, tmp_path: Path) -> Path:
    """A notebook, a hidden file and symlinks pointing outside the root."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.ipynb").write_text("{}")
    nb = jp_root_dir / "nb"
    nb.mkdir()
    (nb / "analysis.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    (nb / ".env").write_text("TOKEN=x")
    os.symlink(outside, nb / "escape")
    os.symlink(outside / "evil.ipynb", nb / "link.ipynb")
    envlink = jp_root_dir / "envlink"
    envlink.mkdir()
    (envlink / "nb.ipynb").write_text((nb / "analysis.ipynb").read_text())
    os.symlink(outside / "evil.ipynb", envlink / "requirements.txt")
    return outside


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 100
    assert len({case[0] for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[case[0] for case in CORPUS])
async def test_hostile_request(
    case, playground, api, login, jp_fetch, jp_root_dir, tmp_path, captured_logs
):
    _, method, path, payload, params, expected = case
    assert (await login()).code == 200
    outside_before = snapshot(playground)
    root_before = snapshot(jp_root_dir)
    kwargs = {"raw": payload} if isinstance(payload, bytes) else {"body": payload}
    reply = await api(method, path, params=params, **kwargs)

    assert reply.code in expected, f"{reply.code}: {reply.text[:300]}"
    assert reply.body is not None and reply.body.get("message"), reply.text[:300]
    if reply.code != 404 or "jobs/" not in path:
        assert reply.body.get("reason"), reply.text[:300]
    assert snapshot(playground) == outside_before
    assert snapshot(jp_root_dir) == root_before  # refused requests write nothing, not even inside
    for secret in (PASSWORD, URL_SECRET):
        assert secret not in reply.text and secret not in captured_logs.text
    assert (await jp_fetch("api", "status")).code == 200
    assert (await api("GET", f"{C}/spaces")).code == 200  # still logged in and serving


async def test_mutations_without_xsrf_are_refused_for_cookie_sessions(
    jp_fetch, jp_serverapp, playground, jp_root_dir
):
    token = jp_serverapp.identity_provider.token
    first = await jp_fetch("api", "status", params={"token": token})
    cookies = "; ".join(c.split(";", 1)[0] for c in first.headers.get_list("Set-Cookie"))
    assert cookies, "the server should hand out a login cookie"
    for path, body in [
        (
            ("openbis-bridge", "env-files"),
            {"notebookPath": "nb/analysis.ipynb", "runtime": "python-3.11"},
        ),
        (("openbis-bridge", "connections"), {"name": "x", "url": "https://h"}),
        (
            ("openbis-bridge", "connections", CONNECTION, "downloads"),
            {"permIds": [PERM], "destination": "d"},
        ),
    ]:
        reply = await jp_fetch(
            *path,
            method="POST",
            body=json.dumps(body),
            headers={"Authorization": "", "Cookie": cookies},
            raise_error=False,
        )
        assert reply.code == 403, (path, reply.code)
    assert not (jp_root_dir / "nb" / "runtime.txt").exists()


# Paths the route table does not match still answer our JSON: trailing slashes, empty names.
UNMATCHED = [
    ("GET", f"{C}/"),
    ("GET", "connections/"),
    ("POST", "connections//login"),
    ("GET", "connections//spaces"),
    ("DELETE", "jobs/"),
    ("GET", "/"),
]


@pytest.mark.parametrize(("method", "path"), UNMATCHED, ids=[f"{m} {p}" for m, p in UNMATCHED])
async def test_unmatched_paths_answer_json(method, path, jp_fetch):
    reply = await jp_fetch(
        "openbis-bridge",
        path,
        method=method,
        body=b"{}" if method == "POST" else None,
        raise_error=False,
        allow_nonstandard_methods=True,
    )
    assert reply.code == 404, reply.body[:300]
    body = json.loads(reply.body)
    assert body["reason"] == "not_found" and body["message"]


async def test_unclosed_ipv6_url_on_edit_is_a_clear_400(api, tmp_path):
    created = await api("POST", "connections", body={"name": "mine", "url": "https://h"})
    assert created.code == 201, created.text
    reply = await api("PATCH", "connections/mine", body={"url": "https://[::1"})
    assert reply.code == 400 and reply.body["fields"] == {"url": "is not a valid URL"}, reply.text
    for ca in ("/etc/shadow", "/etc", str(tmp_path / "none.pem"), "/etc/passwd"):
        refused = await api("PATCH", "connections/mine", body={"caBundle": ca})
        assert refused.code == 400, refused.text
        assert refused.body["message"] == (
            "caBundle must be an absolute path to a readable PEM file of certificates"
        )


async def test_a_huge_integer_is_the_users_mistake(api, login, playground):
    assert (await login()).code == 200
    reply = await api(
        "POST",
        f"{C}/datasets",
        body={
            "notebookPath": "nb/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {"$NAME": "n", "REPLICATES": "9" * 5000, "TEMPERATURE": "1_000"},
        },
    )
    assert reply.code == 400, reply.text[:300]
    assert set(reply.body["fields"]) == {"properties.REPLICATES", "properties.TEMPERATURE"}


async def test_repeated_search_kinds_are_asked_once(api, login, sandbox_admin):
    assert (await login()).code == 200
    await sandbox_admin.set_faults()  # resets the counters
    reply = await api("GET", f"{C}/search", params={"q": "x", "kinds": ",".join(["dataSet"] * 100)})
    assert reply.code == 200, reply.text[:300]
    assert list(reply.body["results"]) == ["dataSet"]
    counters = (await asyncio.to_thread(sandbox_admin._request, "GET"))["counters"]
    assert counters.get("calls.searchDataSets") == 1, counters
