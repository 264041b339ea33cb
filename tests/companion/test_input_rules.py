"""Input rules without a server: property formats as openBIS parses them, path segments,
query lists and numbers, CA bundles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.errors import InvalidInput
from jupyterlab_openbis_bridge.server.inputs import (
    CA_BUNDLE_MESSAGE,
    MAX_LIST_ITEMS,
    check_ca_bundle,
    check_depth,
    parse_list,
)
from jupyterlab_openbis_bridge.server.masterdata import DataSetTypeInfo, PropertyInfo
from jupyterlab_openbis_bridge.server.paths import parse_relative
from jupyterlab_openbis_bridge.server.properties import coerce_properties
from jupyterlab_openbis_bridge.server.service import parse_paging, parse_wait

TYPE = DataSetTypeInfo(
    "T",
    None,
    (
        PropertyInfo("N", None, None, "INTEGER", False, None, 1, False, None),
        PropertyInfo("R", None, None, "REAL", False, None, 2, False, None),
        PropertyInfo("D", None, None, "DATE", False, None, 3, False, None),
        PropertyInfo("TS", None, None, "TIMESTAMP", False, None, 4, False, None),
    ),
)


def coerced(code: str, value: object) -> object:
    return coerce_properties(TYPE, {code: value})[code]


def refused(code: str, value: object) -> str:
    with pytest.raises(InvalidInput) as failure:
        coerce_properties(TYPE, {code: value})
    return failure.value.fields[f"properties.{code}"]


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("D", "20240101"),  # ISO basic format: Python accepts it, openBIS does not
        ("D", "2024-W01-1"),  # ISO week date
        ("D", "2024-001"),  # ordinal date
        ("D", "2024-02-30"),
        ("D", "２０２４-01-01"),  # full-width digits
        ("TS", "2024-W01-1"),
        ("TS", "20240101T0000"),
        ("TS", "2024-01-01T00:00:00.123"),  # no fractions in openBIS's patterns
        ("TS", "2024-01-01 25:00"),
        ("TS", "2024-01-01 10:00 +01:00"),  # with a space the zone is +HHMM
        ("TS", 1704067200),
        ("R", "1_000"),
        ("R", "nan"),
        ("R", "Infinity"),
        ("R", "0x10"),
        ("R", "1.5d"),
        ("R", "١٫٥"),
        ("N", "١٢"),
        ("N", "1_000"),
        ("N", "12.0"),
        ("N", "9223372036854775808"),  # Long.MAX_VALUE + 1
        ("N", "1" * 5000),  # int() would raise past 4300 digits: still a field error
        ("N", "-" + "9" * 30),
    ],
)
def test_lenient_forms_are_refused(code, value):
    assert refused(code, value)


@pytest.mark.parametrize(
    ("code", "value", "stored"),
    [
        ("D", "2024-01-01", "2024-01-01"),
        ("D", " 2024-01-01 ", "2024-01-01"),
        ("TS", "2024-01-01", "2024-01-01 00:00:00"),
        ("TS", "2024-01-01 10:20", "2024-01-01 10:20:00"),  # what the frontend sends
        ("TS", "2024-01-01 10:20:30", "2024-01-01 10:20:30"),
        ("TS", "2024-01-01 10:20:30 +0100", "2024-01-01 10:20:30 +0100"),
        ("TS", "2024-01-01T10:20", "2024-01-01 10:20:00"),
        ("TS", "2024-01-01T10:20:30Z", "2024-01-01 10:20:30 +0000"),
        ("TS", "2024-01-01T10:20:30+02:00", "2024-01-01 10:20:30 +0200"),
        ("TS", "2024-01-01T10:20:30-0530", "2024-01-01 10:20:30 -0530"),
        ("TS", "2024-01-01T10:20:30+01", "2024-01-01 10:20:30 +0100"),
        ("R", "1.5", "1.5"),
        ("R", "-.5", "-0.5"),
        ("R", "1e3", "1000"),
        ("R", "2.5E-3", "0.0025"),
        ("R", 3, "3"),
        ("R", 0.25, "0.25"),
        ("N", "42", "42"),
        ("N", "+7", "7"),
        ("N", "-9223372036854775808", "-9223372036854775808"),
        ("N", 12, "12"),
    ],
)
def test_openbis_forms_are_accepted(code, value, stored):
    assert coerced(code, value) == stored


def test_too_many_properties_are_one_clear_error():
    with pytest.raises(InvalidInput) as failure:
        coerce_properties(TYPE, {f"P{i}": "x" for i in range(501)})
    assert failure.value.fields == {"properties": "too many values"}


@pytest.mark.parametrize(
    "raw", [" ", "  /x", "a/ /b", "file:///etc/passwd", "https://h/x", "file:"]
)
def test_blank_and_url_looking_segments_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_relative(raw, "destination", allow_hidden=False)


@pytest.mark.parametrize("raw", ["notes:v1", "notes/v1:draft.txt", "data 2025/x"])
def test_ordinary_names_with_colons_and_spaces_pass(raw):
    assert parse_relative(raw, "destination", allow_hidden=False).as_posix() == raw


def test_lists_are_deduplicated_and_bounded():
    assert parse_list(",".join(["dataSet"] * MAX_LIST_ITEMS), "kinds") == ["dataSet"]
    with pytest.raises(InvalidInput) as failure:
        parse_list(",".join(["dataSet"] * (MAX_LIST_ITEMS + 1)), "kinds")
    assert failure.value.fields == {"kinds": "too many values"}


@pytest.mark.parametrize("raw", ["²", "١", "1²", "+1", " 1", "1e3", "0x1", "9" * 10])
def test_paging_takes_ascii_digits_only(raw):
    for offset, limit in ((raw, None), (None, raw)):
        with pytest.raises(InvalidInput):
            parse_paging(offset, limit)


@pytest.mark.parametrize("raw", ["²", "١", "1_0", "nan", "inf", "-1", "1e3", "0x1", " 1"])
def test_wait_takes_ascii_decimal_seconds(raw):
    with pytest.raises(InvalidInput):
        parse_wait(raw)
    assert parse_wait("0.5") == 0.5 and parse_wait("30") == 30.0
    assert parse_wait(f"{0.00001:g}") == 0.00001  # what the kernel client sends for a short wait


def test_json_depth_is_bounded():
    nested: object = 1
    for _ in range(65):
        nested = [nested]
    with pytest.raises(InvalidInput):
        check_depth({"x": nested})
    check_depth({"x": [[[1]]]})


def test_ca_bundle_must_be_a_pem_file_of_certificates(sandbox, tmp_path: Path):
    check_ca_bundle(str(sandbox.ca_cert))  # the sandbox's self-signed certificate
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text(
        "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
    )
    unreadable = tmp_path / "unreadable.pem"
    unreadable.write_bytes(sandbox.ca_cert.read_bytes())
    os.chmod(unreadable, 0)
    os.mkfifo(tmp_path / "fifo")
    cases = [
        "relative.pem",
        str(tmp_path / "missing.pem"),
        str(tmp_path),  # a folder
        str(tmp_path / "fifo"),  # must not block
        str(key),
        str(garbage),
        "/etc/passwd",
        "/etc/shadow",
        "/",
    ]
    if os.geteuid() != 0:
        cases.append(str(unreadable))
    messages = set()
    for raw in cases:
        with pytest.raises(InvalidInput) as failure:
            check_ca_bundle(raw)
        messages.add((failure.value.message, tuple(failure.value.fields.items())))
    assert messages == {(CA_BUNDLE_MESSAGE, (("caBundle", "not a readable PEM file"),))}
