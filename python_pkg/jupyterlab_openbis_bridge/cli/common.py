"""Exit codes, the CLI's error type and terminal prompts, shared by the ``jupyter openbis`` modules."""

from __future__ import annotations

import getpass
import sys
from enum import IntEnum
from typing import TextIO


class ExitCode(IntEnum):
    """Process exit codes; documented in ``--help`` and ``docs/cli.md``, so never renumber."""

    OK = 0
    ERROR = 1  # anything else: a file could not be read or written, the user said no
    USAGE = (
        2  # bad arguments, or a value is missing and stdin is not a terminal (argparse uses 2 too)
    )
    INVALID_VALUE = 3  # bad URL, profile name, user name or CA bundle path
    PROFILE_CONFLICT = 4  # no such profile or legacy file, name already taken, read-only profile
    UNREACHABLE = 5  # host unknown, connection refused, no answer in time
    CERTIFICATE = 6  # the server's TLS certificate could not be verified
    AUTH_FAILED = 7  # openBIS rejected the password or token
    SERVER_ERROR = 8  # something answered, but not like a working openBIS
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


EXIT_CODE_HELP = """\
exit codes:
  0    success
  1    other error (file unreadable or not writable, answered "no")
  2    usage error, or a value is missing and stdin is not a terminal
  3    invalid value: URL, profile name, user name or CA bundle path
  4    no such profile or legacy file, name already taken, or read-only profile
  5    openBIS host unreachable (unknown host, connection refused, timeout)
  6    TLS certificate could not be verified (use --ca-bundle for a private CA)
  7    openBIS rejected the password or token
  8    the server answered, but not like a working openBIS
  130  interrupted"""


class CliError(Exception):
    """An expected failure: the message is printed as ``error: ...`` and the process exits with ``code``."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


def require_terminal(missing: str, hint: str) -> None:
    """Fail with USAGE unless we may prompt: scripts must never hang on a question."""
    if not stdin_is_terminal():
        raise CliError(
            ExitCode.USAGE,
            f"missing {missing} (stdin is not a terminal, so nothing is asked; {hint})",
        )


def ask(prompt: str, *, default: str | None = None, required: bool = True) -> str:
    """Ask for one line in the terminal; an empty answer takes ``default``."""
    suffix = f" [{default}]" if default else ""
    while True:
        try:
            answer = input(f"{prompt}{suffix}: ").strip()
        except EOFError:
            raise CliError(ExitCode.USAGE, f"no answer for {prompt.lower()!r}") from None
        if answer or default is not None or not required:
            return answer or (default or "")
        print("a value is required", file=sys.stderr)


def ask_secret(prompt: str) -> str:
    try:
        secret = getpass.getpass(f"{prompt}: ")
    except EOFError:
        raise CliError(ExitCode.USAGE, "no password given") from None
    if not secret:
        raise CliError(ExitCode.USAGE, "the password must not be empty")
    return secret


def confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N]: ").strip().lower()
    except EOFError:
        return False
    return answer in ("y", "yes")


def warn(message: str, stream: TextIO | None = None) -> None:
    print(f"warning: {message}", file=stream or sys.stderr)
