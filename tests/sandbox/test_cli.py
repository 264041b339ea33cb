"""The server process: CLI options, TLS, readiness line, restart and clean shutdown."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests
from cryptography import x509
from pybis import Openbis

from openbis_sandbox.cli import build_parser
from openbis_sandbox.testing import call_as, pybis_client


def test_data_and_sessions_survive_a_restart(sandbox_factory):
    running = sandbox_factory(seed="empty", api_version="3.6", users=[("bob", "secret")])
    o = pybis_client(running)
    o.new_space(code="KEEP", description="persisted").save()
    bob = Openbis(running.url, verify_certificates=str(running.ca_cert))
    bob.login("bob", "secret")
    url = running.url

    running.restart()
    assert running.url == url  # same port after restart
    again = Openbis(running.url, verify_certificates=str(running.ca_cert), token=o.token)
    assert again.get_space("KEEP").description == "persisted"
    assert Openbis(
        running.url, verify_certificates=str(running.ca_cert), token=bob.token
    ).is_session_active()
    assert again.get_server_information().api_version == "3.6"


def test_empty_seed_has_only_defaults(sandbox_factory):
    o = pybis_client(sandbox_factory(seed="empty"))
    assert o.get_spaces().df.code.tolist() == ["DEFAULT"]
    assert o.get_datasets().totalCount == 0
    assert {"RAW_DATA", "ANALYSIS_NOTEBOOK"} <= set(o.get_dataset_types().df.code)


def test_session_timeout_option(sandbox_factory):
    running = sandbox_factory(seed="empty", session_timeout_s=0)
    token = call_as(running, "login", "admin", "changeit").json()["result"]
    # idle timeout 0: the next request (a TLS round trip, always > 1 ms later) finds it expired
    assert call_as(running, "isSessionActive", token).json()["result"] is False


def test_certificate_covers_localhost_and_loopback(sandbox):
    cert = x509.load_pem_x509_certificate(sandbox.ca_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    via_localhost = sandbox.url.replace("127.0.0.1", "localhost")
    assert requests.get(via_localhost + "/", verify=str(sandbox.ca_cert)).ok


def test_plain_http_is_not_served(sandbox):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(sandbox.url.replace("https://", "http://") + "/", timeout=5)


def test_sigterm_stops_cleanly(sandbox_factory):
    running = sandbox_factory(seed="empty")
    process = running.process
    running.stop()
    assert process.returncode == 0
    assert any("stopped" in line for line in running.output)


def test_sigint_stops_cleanly(sandbox_factory):
    running = sandbox_factory(seed="empty")
    process = running.process
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0


def test_ready_line_and_port_zero(sandbox):
    assert sandbox.port > 0 and sandbox.url == f"https://127.0.0.1:{sandbox.port}"
    assert any(line.startswith("OPENBIS_SANDBOX_READY") for line in sandbox.output)


def test_cli_rejects_bad_options():
    parser = build_parser()
    for argv in (
        ["--data-dir", "d", "--seed", "huge"],
        ["--data-dir", "d", "--user", "nocolon"],
        ["--data-dir", "d", "--api-version", "3.5"],
    ):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    args = parser.parse_args(["--data-dir", "d", "--seed", "scale:5", "--user", "a:b:c"])
    assert args.seed.scale == 5 and args.user == [("a", "b:c")]


def test_module_help_runs():
    result = subprocess.run(
        [sys.executable, "-m", "openbis_sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--data-dir" in result.stdout


def test_fault_option_applies_from_the_start(sandbox_factory):
    running = sandbox_factory(
        seed="empty",
        extra_args=["--fault", "error:method=searchSpaces,nth=1,message=Injected at start"],
    )
    o = pybis_client(running)
    with pytest.raises(ValueError, match="Injected at start"):
        o.get_spaces()
    assert o.get_spaces().df.code.tolist() == ["DEFAULT"]  # fired once only


def test_bad_fault_option_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openbis_sandbox",
            "--data-dir",
            str(tmp_path),
            "--port",
            "0",
            "--fault",
            "error:nth=1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--fault" in result.stderr and "required" in result.stderr
