"""The DSS's SFTP server (openBIS's default port is 2222): read-only, over the store.

Login as openBIS's ``FtpUserManager.authenticate`` accepts it:

- a user name and password: a new session, as ``tryAuthenticate`` opens it; it is logged
  out when the SSH connection closes (``FtpUserManager.close`` logs out a session it opened
  once its last view is closed);
- the user name ``?`` and a session token or personal access token as the password (what
  pybis's ``Openbis.mount()`` sends for a PAT): that session, which stays open afterwards.

Every request checks that the session is still alive, so a logout or an expiry ends access
at once. Writes of any kind are refused with SSH_FX_PERMISSION_DENIED: openBIS's
``FtpServer`` configures its SFTP subsystem over a read-only file system view.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh

from ..context import SandboxContext
from ..store.db import PAT_PREFIX
from .view import DataFile, Folder, resolve, split_path

TOKEN_USER = "?"  # FtpUserManager.getSessionToken: this user name means "the password is a token"
HOST_KEY_FILE = "sftp-host-key"
log = logging.getLogger("openbis_sandbox.sftp")


def _host_key(data_dir: Path) -> asyncssh.SSHKey:
    """The server's persistent host key (created on first start, like the certificate)."""
    path = data_dir / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(key.export_private_key())
    return key


class _Login(asyncssh.SSHServer):
    """Password authentication against the sandbox's users, sessions and PATs."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx
        self.conn: asyncssh.SSHServerConnection | None = None
        self.opened_token: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def connection_lost(self, exc: Exception | None) -> None:
        if self.opened_token is not None:  # the session this connection opened ends with it
            self.ctx.store.logout(self.opened_token)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        store = self.ctx.store
        if username == TOKEN_USER:
            token = password
            user = store.session_user(token)
        else:
            token = store.login(username, password)
            user = username if token else None
            self.opened_token = token
        if user is None or token is None or self.conn is None:
            return False
        self.conn.set_extra_info(openbis_token=token, openbis_user=user)
        kind = "PAT" if token.startswith(PAT_PREFIX) else "session"
        log.info("SFTP login of %s (%s)", user, kind)
        return True


class _ReadOnlyView(asyncssh.SFTPServer):
    """The resolver tree of ``view`` as an SFTP file system; every write is refused."""

    def __init__(self, chan: asyncssh.SSHServerChannel, ctx: SandboxContext) -> None:
        super().__init__(chan)
        conn = chan.get_extra_info("connection")
        self.ctx = ctx
        self.token: str = conn.get_extra_info("openbis_token")
        self.user: str = conn.get_extra_info("openbis_user")
        self.loop = asyncio.get_running_loop()

    def _node(self, path: bytes):
        if self.ctx.store.session_user(self.token) is None:
            raise asyncssh.SFTPPermissionDenied("openBIS session expired; log in again")
        node = resolve(self.ctx.store, self.user, _text(path))
        if node is None:
            raise asyncssh.SFTPNoSuchFile("Path doesn't exist or unauthorized")
        return node

    def _attrs(self, node) -> asyncssh.SFTPAttrs:
        return _attrs_of(node.real_path if isinstance(node, DataFile) else None)

    def realpath(self, path: bytes) -> bytes:
        return ("/" + "/".join(split_path(_text(path)) or [])).encode("utf-8", "surrogateescape")

    def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return self._attrs(self._node(path))

    lstat = stat  # the view has no links of its own

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        node = self._node(path)
        if not isinstance(node, Folder):
            raise asyncssh.SFTPNoSuchFile("Not a directory")
        for name in (".", ".."):
            yield asyncssh.SFTPName(name.encode(), attrs=_attrs_of(None))
        for name, real_path in node.entries:
            yield asyncssh.SFTPName(name.encode("utf-8"), attrs=_attrs_of(real_path))

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> int:
        if pflags & ~asyncssh.FXF_READ:
            raise asyncssh.SFTPPermissionDenied("The openBIS data store is read-only")
        node = self._node(path)
        if not isinstance(node, DataFile):
            raise asyncssh.SFTPNoSuchFile("Not a file")
        return os.open(node.real_path, os.O_RDONLY | os.O_NOFOLLOW)  # no swap after resolve

    async def read(self, file_obj: int, offset: int, size: int) -> bytes:
        if self.ctx.store.session_user(self.token) is None:
            raise asyncssh.SFTPPermissionDenied("openBIS session expired; log in again")
        return await self.loop.run_in_executor(None, os.pread, file_obj, size, offset)

    def fstat(self, file_obj: int) -> asyncssh.SFTPAttrs:
        info = os.fstat(file_obj)
        return asyncssh.SFTPAttrs(
            type=asyncssh.FILEXFER_TYPE_REGULAR,
            size=info.st_size,
            permissions=stat.S_IFREG | 0o444,
            mtime=int(info.st_mtime),
        )

    def close(self, file_obj: int) -> None:
        os.close(file_obj)

    def _refuse(self, *args: object) -> None:
        raise asyncssh.SFTPPermissionDenied("The openBIS data store is read-only")

    write = mkdir = rmdir = remove = rename = posix_rename = _refuse
    setstat = lsetstat = fsetstat = symlink = link = _refuse


def _attrs_of(real_path: Path | None) -> asyncssh.SFTPAttrs:
    """Attributes of a data set file or directory, or of a virtual directory (None)."""
    if real_path is not None and not real_path.is_dir():
        info = real_path.stat()
        return asyncssh.SFTPAttrs(
            type=asyncssh.FILEXFER_TYPE_REGULAR,
            size=info.st_size,
            permissions=stat.S_IFREG | 0o444,
            atime=int(info.st_atime),
            mtime=int(info.st_mtime),
            nlink=1,
        )
    return asyncssh.SFTPAttrs(
        type=asyncssh.FILEXFER_TYPE_DIRECTORY, size=0, permissions=stat.S_IFDIR | 0o555, nlink=2
    )


def _text(path: bytes) -> str:
    return path.decode("utf-8", "surrogateescape")


async def start_sftp_server(ctx: SandboxContext, host: str, port: int) -> asyncssh.SSHAcceptor:
    """Listen for SFTP on ``host:port`` (0 picks a free port: see ``.sockets``)."""
    return await asyncssh.listen(
        host,
        port,
        server_factory=lambda: _Login(ctx),
        server_host_keys=[_host_key(ctx.data_dir)],
        sftp_factory=lambda chan: _ReadOnlyView(chan, ctx),
        allow_scp=False,
        # only the SFTP subsystem: no shell, exec or port forwarding
        process_factory=None,
        allow_pty=False,
        agent_forwarding=False,
        x11_forwarding=False,
    )
