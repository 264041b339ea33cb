"""Mount an openBIS data store (its DSS's SFTP view) inside the Jupyter root with sshfs.

One read-only mount per connection at ``<root>/openbis-mounts/<connection>/``, as pybis's
``Openbis.mount()`` makes it (sshfs, port 2222 by default, ``-o password_stdin``), with three
differences: the command runs without a shell (argv only), the secret goes to sshfs's stdin
and never into its argv or environment (so no process list shows it), and host keys are
checked (``accept-new`` into a known-hosts file of the server's own, not ``no``).

Credentials are what openBIS's ``FtpUserManager`` accepts: the user name and password the
connection logged in with, or the user name ``?`` and the session token / PAT.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from ..errors import Conflict, InvalidInput, UpstreamError
from .paths import open_dir, same_dir

MOUNTS_FOLDER = "openbis-mounts"
DEFAULT_SFTP_PORT = 2222
TOKEN_USER = "?"  # FtpUserManager: "the password is a session token or PAT"
MOUNT_TIMEOUT_S = 30.0
log = logging.getLogger(__name__)
audit = logging.getLogger(__name__.rsplit(".", 2)[0] + ".audit")


@dataclass(frozen=True)
class Credentials:
    username: str
    secret: str  # a password, or a session token / PAT with username "?"

    def __repr__(self) -> str:
        return f"Credentials({self.username!r}, ***)"


def availability() -> str | None:
    """None when sshfs can mount here, else why not (shown to the user as it is)."""
    if shutil.which("sshfs") is None:
        return "sshfs is not installed on the Jupyter server (Debian/Ubuntu: apt-get install sshfs)"
    if shutil.which("fusermount3") is None and shutil.which("fusermount") is None:
        return "fusermount is missing, so a mount could not be undone (install fuse3)"
    try:
        fd = os.open("/dev/fuse", os.O_RDWR)
    except OSError as exc:
        reason = "does not exist" if exc.errno == errno.ENOENT else "cannot be opened"
        return (
            f"/dev/fuse {reason}: FUSE is not available to the Jupyter server "
            "(a container needs --device /dev/fuse --cap-add SYS_ADMIN)"
        )
    os.close(fd)
    return None


def check_mount_request(body: dict[str, Any]) -> int:
    """The SFTP port of a mount request body (openBIS's default when absent)."""
    unknown = set(body) - {"port"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    raw = body.get("port")
    if raw is None:
        return DEFAULT_SFTP_PORT
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 65535:
        raise InvalidInput("port must be a number from 1 to 65535", fields={"port": "invalid"})
    return raw


def mount_login(conn: Any) -> tuple[str, Credentials]:
    """Host and credentials of a logged-in ``connections.Connection``, as pybis would send them."""
    client = conn.client
    if client is None or not client.token:
        raise Conflict(f"log in to {conn.name!r} before mounting its data store")
    if conn.password is not None and conn.username:
        credentials = Credentials(conn.username, conn.password.reveal())
    else:  # a session token or a PAT
        credentials = Credentials(TOKEN_USER, client.token)
    return urlparse(conn.profile.url).hostname or "", credentials


def _check_credentials(credentials: Credentials) -> None:
    user, secret = credentials.username, credentials.secret
    if not user or user.startswith("-") or any(ch.isspace() or ch in "@:/" for ch in user):
        raise InvalidInput("this user name cannot be used for an SFTP login")
    if not secret or "\n" in secret or "\r" in secret:
        # sshfs reads one line from stdin: a line break would cut the password
        raise InvalidInput("a password with a line break cannot be passed to sshfs")


class MountManager:
    """Mounts per connection; every method blocks (run them in the service's pools)."""

    def __init__(self, root_dir: Path, known_hosts: Path) -> None:
        self._root = Path(os.path.realpath(root_dir))
        self._known_hosts = known_hosts
        self._lock = threading.Lock()
        self._mounted: dict[str, Path] = {}

    def mount_path(self, name: str) -> Path:
        return self._root / MOUNTS_FOLDER / name

    def status(self, name: str) -> dict[str, object]:
        path = self._mounted.get(name)
        mounted = path is not None and is_mounted(path)
        relative = path.relative_to(self._root).as_posix() if mounted and path else None
        return {"mounted": mounted, "mountPath": relative}

    def mount(self, name: str, host: str, port: int, credentials: Credentials) -> dict[str, object]:
        reason = availability()
        if reason is not None:
            raise Conflict(f"cannot mount the data store: {reason}")
        _check_credentials(credentials)
        with self._lock:
            path = self.mount_path(name)
            if is_mounted(path):
                return self.status(name)
            # Made and walked without following links: a link planted at openbis-mounts/ (or
            # swapped in while sshfs starts) must never put a mount outside the root.
            parent = PurePosixPath(MOUNTS_FOLDER)
            with open_dir(self._root, parent, "mountPath", create=True) as parent_fd:
                with open_dir(self._root, parent / name, "mountPath", create=True) as folder:
                    if os.listdir(folder):
                        raise Conflict(f"{parent / name} is not empty; cannot mount there")
                self._known_hosts.parent.mkdir(parents=True, exist_ok=True)
                before = sshfs_mount_points()
                result = self._run_sshfs(path, host, port, credentials)
                landed = sshfs_mount_points() - before
                if landed and (
                    landed != {str(path)} or not same_dir(self._root, parent, parent_fd)
                ):
                    for point in landed:  # not where it was asked for: undo it
                        self._unmount_path(Path(point))
                    raise Conflict(f"{parent} was moved or replaced while mounting; not mounted")
            if result.returncode != 0 or not is_mounted(path):
                _remove_empty(path)
                raise UpstreamError(f"sshfs could not mount {host}:{port}: {_last_line(result)}")
            self._mounted[name] = path
        audit.info("mounted the data store of %r (%s:%s) at %s", name, host, port, path)
        return self.status(name)

    def _run_sshfs(
        self, path: Path, host: str, port: int, credentials: Credentials
    ) -> subprocess.CompletedProcess:
        argv = [
            "sshfs",
            f"{credentials.username}@{host}:/",
            str(path),
            "-o", f"port={port}",
            "-o", "password_stdin",
            "-o", "ro",
            "-o", "reconnect",
            "-o", "ServerAliveInterval=15",
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", f"UserKnownHostsFile={self._known_hosts}",
            "-o", "PreferredAuthentications=password",
            "-o", "NumberOfPasswordPrompts=1",
        ]  # fmt: skip
        try:
            return subprocess.run(
                argv,
                input=credentials.secret + "\n",
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=MOUNT_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            self._unmount_path(path)
            raise UpstreamError(
                f"sshfs did not mount {host}:{port} in {MOUNT_TIMEOUT_S:.0f} s"
            ) from None

    def unmount(self, name: str) -> dict[str, object]:
        with self._lock:
            path = self._mounted.pop(name, None) or self.mount_path(name)
            if is_mounted(path):
                self._unmount_path(path)
                audit.info("unmounted the data store of %r", name)
            _remove_empty(path)
        return self.status(name)

    def unmount_all(self) -> None:
        for name in list(self._mounted):
            try:
                self.unmount(name)
            except OSError as exc:  # shutting down: unmount what can be unmounted
                log.warning("could not unmount the data store of %r: %s", name, exc)

    @staticmethod
    def _unmount_path(path: Path) -> None:
        tool = shutil.which("fusermount3") or shutil.which("fusermount") or "fusermount"
        done = subprocess.run([tool, "-u", str(path)], capture_output=True, check=False)
        if done.returncode != 0 and is_mounted(path):
            # busy (a notebook holds a file open): detach now, finish when released
            subprocess.run([tool, "-u", "-z", str(path)], capture_output=True, check=False)

    def dataset_folder(self, name: str, identifier: str, perm_id: str) -> Path:
        """The mounted folder of a data set of the experiment ``identifier``.

        openBIS's default tree is ``/SPACE/PROJECT/EXPERIMENT/DATASET``; with file-system
        plugins (ELN-LIMS) it moves under ``/DEFAULT`` (``FtpPathResolverRegistry``).
        """
        path = self._mounted.get(name)
        if path is None or not is_mounted(path):
            raise Conflict(f"the data store of {name!r} is not mounted")
        parts = identifier.strip("/").split("/")
        for prefix in ([], ["DEFAULT"]):
            candidate = path.joinpath(*prefix, *parts, perm_id)
            if candidate.is_dir():
                return candidate
        raise Conflict(f"data set {perm_id} is not in the mounted data store")


def is_mounted(path: Path) -> bool:
    """Whether ``path`` is a mount point, without touching it.

    Reads the kernel's mount table: a stat of a FUSE mount whose server stalls would block
    (and the connection status is asked from the event loop).
    """
    try:
        points = {point for point, _ in _mount_table()}
    except OSError:
        return os.path.ismount(path)
    return str(path) in points


def sshfs_mount_points() -> set[str]:
    """Where sshfs file systems are mounted now (empty when the table cannot be read)."""
    try:
        return {point for point, fstype in _mount_table() if fstype == "fuse.sshfs"}
    except OSError:
        return set()


def _mount_table() -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of ``/proc/self/mountinfo``."""
    rows = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as table:
        for line in table:
            fields = line.split(" ")
            # field 5 is the mount point (space, tab, newline and backslash octal-escaped);
            # the type is the first field after the " - " separator
            if len(fields) < 5 or "-" not in fields[5:]:
                continue
            fstype = fields[fields.index("-", 5) + 1]
            rows.append((_unescape(fields[4]), fstype))
    return rows


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _remove_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass  # not empty or still a mount point: leave it


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in (result.stderr or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"exit status {result.returncode}"
