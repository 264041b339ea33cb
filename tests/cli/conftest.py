"""Fixtures for ``jupyter openbis``: an isolated Jupyter config dir, an in-process runner and a
pseudo-terminal driver for the prompts."""

from __future__ import annotations

import io
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.cli import main
from jupyterlab_openbis_bridge.profiles import PROFILE_FILE_NAME

PTY_TIMEOUT_S = 60.0  # an upper bound only: every wait ends as soon as the expected text arrives


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh Jupyter config dir for the test and its subprocesses; nothing from the real user leaks in."""
    directory = tmp_path / "jupyter-config"
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(directory))
    for variable in ("OPENBIS_TOKEN", "OPENBIS_URL", "JUPYTER_CONFIG_PATH"):
        monkeypatch.delenv(variable, raising=False)
    return directory


@pytest.fixture
def profile_file(config_dir: Path) -> Path:
    return config_dir / PROFILE_FILE_NAME


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run ``main(argv)`` in-process with a non-terminal stdin holding ``stdin``."""

    def run(*argv: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def add_sandbox_profile(cli: Callable[..., Result], sandbox) -> Callable[..., None]:
    def add(name: str = "sb", *extra: str) -> None:
        result = cli("add", name, sandbox.url, "--user", sandbox.admin_user, *extra)
        assert result.code == 0, result.err

    return add


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that refuses connections: bound (so nobody else takes it) but not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def files_containing() -> Callable[[Path, str], list[Path]]:
    """Every file under a directory whose bytes contain the secret."""

    def search(directory: Path, secret: str) -> list[Path]:
        needle = secret.encode()
        return [
            path for path in directory.rglob("*") if path.is_file() and needle in path.read_bytes()
        ]

    return search


class Terminal:
    """The CLI as a subprocess on a pseudo-terminal: wait for a prompt, answer it."""

    def __init__(self, args: list[str]) -> None:
        self._master, slave = os.openpty()
        # A new session has no controlling terminal, so getpass falls back to the pty on stdin
        # and never reaches the terminal pytest itself runs in.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab_openbis_bridge.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.transcript = ""
        self._cursor = 0
        self._deadline = time.monotonic() + PTY_TIMEOUT_S

    def expect(self, text: str) -> str:
        """Read until ``text`` appears after the previous match; return what came before it."""
        while text not in self.transcript[self._cursor :]:
            if not self._read_some():
                raise AssertionError(f"{text!r} never appeared; terminal said:\n{self.transcript}")
        start = self.transcript.index(text, self._cursor)
        before, self._cursor = self.transcript[self._cursor : start], start + len(text)
        return before

    def send(self, line: str) -> None:
        os.write(self._master, line.encode() + b"\r")

    def finish(self) -> int:
        """Read to the end of the output and return the exit code."""
        while self._read_some():
            pass
        remaining = max(0.1, self._deadline - time.monotonic())
        code = self.process.wait(remaining)
        os.close(self._master)
        return code

    def _read_some(self) -> bool:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self.process.kill()
            return False
        ready, _, _ = select.select([self._master], [], [], remaining)
        if not ready:
            return False
        try:
            chunk = os.read(self._master, 4096)
        except OSError:  # EIO: every writer of the pty has exited
            return False
        self.transcript += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(chunk)


@pytest.fixture
def terminal(config_dir: Path) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(Terminal(list(args)))
        return started[-1]

    yield start
    for term in started:
        if term.process.poll() is None:
            term.process.kill()
            term.process.wait()
