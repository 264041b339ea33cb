"""The openBIS session a JupyterHub login left for this user in ``~/.pybis/<host>.token``.

openBIS's own JupyterHub authenticator (``jupyter-openbis-authenticator``, ``auth.py``) logs
the user in with pybis, writes the session token with pybis's ``save_token_on_behalf`` into
``/home/<user>/.pybis/<hostname>.token`` (the bare token, mode 0600, chowned to the user) and
passes only ``OPENBIS_URL`` to the spawner. This module reads that file for exactly the host
of ``OPENBIS_URL`` and refuses anything a careful reader should not trust: a symlink (opened
with ``O_NOFOLLOW``), a file that is not regular, owned by another uid, or open to group or
others. Each refusal is logged once, with its reason and never the token. Whether the token
is live at that URL (``isSessionActive``) is checked by whoever adopts it, off the event loop.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import threading
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

PYBIS_FOLDER = ".pybis"
MAX_TOKEN_BYTES = 4096  # a session token is ~60 characters, a PAT a few more


def token_digest(token: str) -> str:
    """What we remember of a token we tried: a digest, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class HubTokenFile:
    """Reads the hub's token for one openBIS URL, as many times as needed.

    A reader, not a value: after the session expires, a new hub login rewrites the file
    and the next read picks the new token up without a server restart.
    """

    def __init__(self, url: str, *, home: Path | None = None, uid: int | None = None) -> None:
        self.url = url
        host = urlsplit(url).hostname or ""
        # pybis names the file after ``urlparse(url).hostname`` (no port): the same here.
        self.path = Path(home or Path.home()) / PYBIS_FOLDER / f"{host}.token"
        self._host = host
        self._uid = os.geteuid() if uid is None else uid
        self._last_said: str | None = None
        self._said_lock = threading.Lock()

    def describe(self) -> str:
        return f"JupyterHub login ({self.path})"

    def read(self) -> str | None:
        """The token, or None (absent or refused; a refusal is logged once per reason)."""
        try:
            token = self._read_checked()
        except _Refused as refused:
            self._say(f"{self.path} ignored: {refused.reason}", warning=True)
            return None
        if token is None:
            self._say(f"no JupyterHub login for {self._host} in {self.path.parent}")
            return None
        self._say(f"JupyterHub login for {self._host} found in {self.path}")
        return token

    def refuse(self, reason: str) -> None:
        """Log once that a token read from the file was not adopted (e.g. not active)."""
        self._say(f"{self.path} ignored: {reason}", warning=True)

    def _say(self, line: str, *, warning: bool = False) -> None:
        with self._said_lock:
            if line == self._last_said:
                return
            self._last_said = line
        log.log(logging.WARNING if warning else logging.INFO, "openBIS: %s", line)

    def _read_checked(self) -> str | None:
        if not self._host:
            raise _Refused("OPENBIS_URL has no host name")
        try:
            folder = os.open(
                self.path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
            )
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise _Refused(_open_problem(exc, "folder")) from None
        try:
            _check_owner(os.fstat(folder), self._uid, "folder")
            try:
                fd = os.open(
                    self.path.name,
                    os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                    dir_fd=folder,
                )
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    return None
                raise _Refused(_open_problem(exc, "file")) from None
            try:
                return _token_from(fd, self._uid)
            finally:
                os.close(fd)
        finally:
            os.close(folder)


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _open_problem(exc: OSError, what: str) -> str:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return f"the {what} is a symbolic link"
    return f"the {what} cannot be opened ({exc.strerror or exc})"


def _check_owner(info: os.stat_result, uid: int, what: str) -> None:
    if info.st_uid != uid:
        raise _Refused(f"the {what} belongs to uid {info.st_uid}, not to this user ({uid})")


def _token_from(fd: int, uid: int) -> str:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("not a regular file")
    _check_owner(info, uid, "file")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise _Refused(f"mode {mode:04o} lets group or others at it (pybis writes 0600)")
    if info.st_size > MAX_TOKEN_BYTES:
        raise _Refused(f"larger than {MAX_TOKEN_BYTES} bytes: not a token")
    data = os.read(fd, MAX_TOKEN_BYTES + 1)
    try:
        token = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _Refused("not a token (not ASCII)") from None
    # openBIS session tokens are ``user-<timestamp>x<hex>``; PATs ``$pat-user-...``.
    if not token or "-" not in token or any(ch.isspace() or ord(ch) < 33 for ch in token):
        raise _Refused("not a token (empty or malformed)")
    return token


__all__ = ["HubTokenFile", "token_digest"]
