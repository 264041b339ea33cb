"""Connection profiles and their file format. No server imports.

A profile says *where* an openBIS instance is and how to trust it; it never
holds a secret. Our own file (JSON, mode 0600) is written by the server and by
the ``jupyter openbis`` CLI: each read-modify-write holds ``profile_file_lock``
so two writers at the same instant cannot lose an edit. The predecessor's ``openbis-connections.yaml``
is read (never written) so users can move over; a password found there is
handed back separately so it can live in memory only.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROFILE_FILE_NAME = "openbis-bridge-connections.json"
LEGACY_FILE_NAME = "openbis-connections.yaml"
FILE_FORMAT_VERSION = 1

# Names appear in URL paths and file entries: keep them to a safe, readable set.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_USERNAME_MAX = 128
_SECRET_KEYS = frozenset({"password", "token", "pat", "sessionToken", "session_token"})

ORIGIN_USER = "user"  # our profile file, editable through the API
ORIGIN_LEGACY = "legacy"  # the old openbis-connections.yaml, read-only
ORIGIN_ENV = "env"  # OPENBIS_URL + OPENBIS_TOKEN (JupyterHub), read-only
ORIGIN_CONFIG = "config"  # c.OpenBISBridge.connections, read-only


class ProfileError(ValueError):
    """A profile value is invalid; ``field`` names the offending key."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Profile:
    name: str
    url: str
    username: str | None = None
    verify_certificates: bool = True
    ca_bundle: str | None = None
    origin: str = ORIGIN_USER
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_changes(self, **changes: Any) -> Profile:
        return validate_profile(replace(self, **changes))

    def to_file_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.name, "url": self.url}
        if self.username:
            entry["username"] = self.username
        entry["verifyCertificates"] = self.verify_certificates
        if self.ca_bundle:
            entry["caBundle"] = self.ca_bundle
        return entry


def normalise_url(raw: object) -> str:
    """Return ``https://host[:port][/path]``; refuse http, credentials, queries and fragments."""
    if not isinstance(raw, str) or not raw.strip():
        raise ProfileError("url", "must be a non-empty string")
    text = raw.strip()
    if any(ord(ch) < 32 or ch.isspace() for ch in text):
        raise ProfileError("url", "must not contain spaces or control characters")
    if "://" not in text:
        text = "https://" + text  # what pybis does with a bare host name
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[::1"
        raise ProfileError("url", "is not a valid URL") from None
    if parts.scheme.lower() != "https":
        raise ProfileError("url", "must use https")
    try:
        port = parts.port
    except ValueError:
        raise ProfileError("url", "has an invalid port") from None
    if not parts.hostname:
        raise ProfileError("url", "has no host name")
    if parts.username is not None or parts.password is not None:
        raise ProfileError("url", "must not contain credentials")
    if parts.query or parts.fragment:
        raise ProfileError("url", "must not contain a query or fragment")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"https://{netloc}{parts.path.rstrip('/')}"


def validate_name(raw: object) -> str:
    if not isinstance(raw, str) or not _NAME_RE.fullmatch(raw):
        raise ProfileError(
            "name",
            "1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return raw


def validate_username(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if (
        not isinstance(raw, str)
        or len(raw) > _USERNAME_MAX
        or any(ord(ch) < 32 or ch.isspace() for ch in raw)
    ):
        raise ProfileError("username", "must be a string without spaces or control characters")
    return raw


def validate_profile(profile: Profile) -> Profile:
    validate_name(profile.name)
    if not isinstance(profile.verify_certificates, bool):
        raise ProfileError("verifyCertificates", "must be true or false")
    ca_bundle = profile.ca_bundle or None
    if ca_bundle is not None:
        if not isinstance(ca_bundle, str) or "\x00" in ca_bundle or not os.path.isabs(ca_bundle):
            raise ProfileError("caBundle", "must be an absolute path to a PEM file")
        if not profile.verify_certificates:
            raise ProfileError("caBundle", "makes no sense with verifyCertificates false")
    return replace(
        profile,
        url=normalise_url(profile.url),
        username=validate_username(profile.username),
        ca_bundle=ca_bundle,
    )


def profile_from_mapping(data: Mapping[str, Any], origin: str = ORIGIN_USER) -> Profile:
    """Build a profile from our camelCase JSON (API bodies and our file)."""
    verify = data.get("verifyCertificates", True)
    return validate_profile(
        Profile(
            name=data.get("name"),  # type: ignore[arg-type]  # validated right away
            url=data.get("url"),  # type: ignore[arg-type]
            username=data.get("username"),
            verify_certificates=verify,
            ca_bundle=data.get("caBundle"),
            origin=origin,
        )
    )


class ProfileFileError(ValueError):
    """The profile file cannot be written as asked (it would lose or corrupt entries)."""


FileSignature = tuple[
    int, int, int
]  # inode, size, mtime in ns: changes whenever the file is rewritten


@dataclass(frozen=True)
class FileIssue:
    """One problem found in our profile file."""

    path: Path
    message: str
    entry: int | None = None  # index in the file's "connections" list; None: the whole file
    dropped: bool = True  # not used, so rewriting the file from the profiles would lose it

    def __str__(self) -> str:
        where = f"{self.path}" if self.entry is None else f"{self.path}: entry {self.entry}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ProfileFileContent:
    """Our profile file as read: valid profiles, structured issues, and its signature."""

    path: Path
    profiles: tuple[Profile, ...] = ()
    issues: tuple[FileIssue, ...] = ()
    signature: FileSignature | None = None  # None: the file does not exist

    @property
    def damaged(self) -> bool:
        """True if saving ``profiles`` back would drop something the file holds."""
        return any(issue.dropped for issue in self.issues)

    @property
    def warnings(self) -> list[str]:
        return [str(issue) for issue in self.issues]

    def find(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)


def file_signature(path: Path) -> FileSignature | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def load_profile_file(path: Path) -> ProfileFileContent:
    """Read our file; entries that cannot be used are reported as issues, never fatal."""
    signature = file_signature(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ProfileFileContent(path)
    except (OSError, ValueError) as exc:
        issue = FileIssue(path, f"unreadable ({type(exc).__name__})")
        return ProfileFileContent(path, issues=(issue,), signature=signature)
    entries = raw.get("connections") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        issue = FileIssue(path, "no 'connections' list")
        return ProfileFileContent(path, issues=(issue,), signature=signature)
    profiles: dict[str, Profile] = {}
    issues: list[FileIssue] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            issues.append(FileIssue(path, "is not an object", index))
            continue
        if _SECRET_KEYS & entry.keys():
            # The profile is used; the secret is ignored (and not written back, on purpose).
            issues.append(FileIssue(path, "holds a secret, which is ignored", index, dropped=False))
        try:
            profile = profile_from_mapping(entry)
        except ProfileError as exc:
            issues.append(FileIssue(path, f"skipped ({exc})", index))
            continue
        if profile.name in profiles:
            issues.append(
                FileIssue(path, f"duplicate name {profile.name!r}: the first entry wins", index)
            )
            continue
        profiles[profile.name] = profile
    return ProfileFileContent(path, tuple(profiles.values()), tuple(issues), signature)


def lock_path(path: Path) -> Path:
    """The sibling file whose ``flock`` guards ``path`` (the file itself is replaced on save)."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def profile_file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of the profile file at ``path``.

    An advisory ``flock`` on a sibling lock file, which every writer (the server, the
    ``jupyter openbis`` CLI, other servers of the same user) takes around reading the
    file and writing it back. Blocks until the other writer is done. Without ``fcntl``
    (Windows) it does nothing.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    target = lock_path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def save_profile_file(path: Path, profiles: Iterable[Profile]) -> None:
    """Write our file atomically with mode 0600, never secrets.

    Refuses (``ProfileFileError``) rather than silently dropping anything: every profile
    must be a valid, user-origin profile with a unique name.
    """
    entries: list[dict[str, Any]] = []
    names: set[str] = set()
    for profile in profiles:
        if profile.origin != ORIGIN_USER:
            raise ProfileFileError(
                f"{profile.name!r} comes from {profile.origin} configuration and "
                "cannot be written to the profile file"
            )
        try:
            validate_profile(profile)
        except ProfileError as exc:
            raise ProfileFileError(f"profile {profile.name!r} is invalid: {exc}") from None
        if profile.name in names:
            raise ProfileFileError(f"profile {profile.name!r} is given twice")
        names.add(profile.name)
        entries.append(profile.to_file_entry())
    payload = {"version": FILE_FORMAT_VERSION, "connections": entries}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600, so it is never readable by others, even briefly.
    fd, tmp_name = tempfile.mkstemp(prefix=".openbis-bridge-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2)
            handle.write("\n")
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class LegacyEntry:
    profile: Profile
    password: str | None = field(repr=False)
    path: Path | None = None  # the YAML file it came from


def load_legacy_files(paths: Iterable[Path]) -> tuple[list[LegacyEntry], list[str]]:
    """Read the predecessor's YAML files (``connections: [{name, url, verify_certificates, username, password, http_only}]``)."""
    import yaml  # only needed for users moving over

    found: list[LegacyEntry] = []
    warnings: list[str] = []
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, yaml.YAMLError) as exc:
            warnings.append(f"{path}: unreadable ({type(exc).__name__})")
            continue
        entries = data.get("connections") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            warnings.append(f"{path}: no 'connections' list")
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                warnings.append(f"{path}: entry {index} is not a mapping")
                continue
            try:
                profile = validate_profile(
                    Profile(
                        name=str(entry.get("name", "")),
                        url=entry.get("url"),  # type: ignore[arg-type]
                        username=entry.get("username"),
                        # The old server defaulted to *no* verification; we do not.
                        verify_certificates=bool(entry.get("verify_certificates", True)),
                        origin=ORIGIN_LEGACY,
                    )
                )
            except ProfileError as exc:
                warnings.append(f"{path}: entry {index} skipped ({exc})")
                continue
            password = entry.get("password")
            # A password is not warned about here: callers see ``LegacyEntry.password``
            # and say what it means for them (server: memory only; CLI: import-legacy).
            found.append(
                LegacyEntry(
                    profile, password if isinstance(password, str) and password else None, path
                )
            )
    return found, warnings


def profile_from_environment(environ: Mapping[str, str]) -> tuple[Profile, str] | None:
    """JupyterHub exports OPENBIS_URL and OPENBIS_TOKEN; returns the profile and the token."""
    url = environ.get("OPENBIS_URL")
    token = environ.get("OPENBIS_TOKEN")
    if not url or not token:
        return None
    return _environment_profile(url), token


def hub_profile_from_environment(environ: Mapping[str, str]) -> Profile | None:
    """OPENBIS_URL without OPENBIS_TOKEN: openBIS's own JupyterHub authenticator, which leaves
    the session in ``~/.pybis/<host>.token`` instead (see ``hub_token``)."""
    url = environ.get("OPENBIS_URL")
    if not url or environ.get("OPENBIS_TOKEN"):
        return None
    return _environment_profile(url)


def _environment_profile(url: str) -> Profile:
    normalised = normalise_url(url)
    host = urlsplit(normalised).hostname or "openbis"
    name = re.sub(r"[^A-Za-z0-9._-]", "-", host)[:64]
    return validate_profile(Profile(name=name, url=normalised, origin=ORIGIN_ENV))
