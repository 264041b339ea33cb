"""Where the server companion finds its connection profiles, seen from the command line.

The server reads ``c.OpenBISBridge.connections_file`` (default
``<jupyter config dir>/openbis-bridge-connections.json``) and, read-only, the
``c.OpenBISBridge.connections`` list, ``OPENBIS_URL`` and the predecessor's YAML
files. This module resolves the same places from the same Jupyter config files,
so ``jupyter openbis add`` writes exactly the file the server will read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jupyter_core.application import JupyterApp
from jupyter_core.paths import jupyter_config_dir, jupyter_config_path
from traitlets.config import Application, Config
from traitlets.config.loader import ConfigFileNotFound

from ..profile_sources import FoundProfile, SourceSettings, gather_profiles
from ..profiles import (
    LEGACY_FILE_NAME,
    ORIGIN_CONFIG,
    ORIGIN_ENV,
    ORIGIN_LEGACY,
    PROFILE_FILE_NAME,
    LegacyEntry,
    Profile,
    ProfileFileContent,
    ProfileFileError,
    file_signature,
    load_legacy_files,
    load_profile_file,
    profile_file_lock,
    save_profile_file,
)
from .common import CliError, ExitCode, warn

# The config files a jupyter_server with this extension loads (the last is the ExtensionApp's own).
_SERVER_CONFIG_FILES = (
    "jupyter_config",
    "jupyter_server_config",
    "jupyter_jupyterlab_openbis_bridge_config",
)
_SECTION = "OpenBISBridge"
_CONFIG_DIR_ENV = "JUPYTER_CONFIG_DIR"


class _ConfigReader(JupyterApp):
    """Only borrows JupyterApp's config search path; never initialised or started."""

    name = "jupyter-openbis"


@dataclass(frozen=True)
class BridgeSettings:
    """The ``c.OpenBISBridge`` settings that decide which profiles the server sees."""

    connections_file: Path
    sources: SourceSettings = SourceSettings()

    @property
    def legacy_files(self) -> tuple[Path, ...]:
        return self.sources.legacy_files

    @classmethod
    def load(cls, config_dir: str | None = None) -> BridgeSettings:
        """Read the server's config; ``config_dir`` acts like ``JUPYTER_CONFIG_DIR`` for this call."""
        with _config_dir_override(config_dir):
            section = _load_server_config().get(_SECTION, {})
            path = section.get("connections_file") or os.path.join(
                jupyter_config_dir(), PROFILE_FILE_NAME
            )
            legacy_dirs = dict.fromkeys([*jupyter_config_path(), jupyter_config_dir()])
        sources = SourceSettings(
            configured=tuple(
                entry for entry in section.get("connections", []) if isinstance(entry, Mapping)
            ),
            read_legacy=bool(section.get("read_legacy_connections", True)),
            read_environment=bool(section.get("read_environment", True)),
            verify_certificates=bool(section.get("verify_certificates", True)),
            ca_bundle=section.get("ca_bundle") or None,
            # every place the server looks for the old YAML file, in its order
            legacy_files=tuple(Path(directory) / LEGACY_FILE_NAME for directory in legacy_dirs),
        )
        return cls(connections_file=Path(path).expanduser().absolute(), sources=sources)


@contextmanager
def _config_dir_override(config_dir: str | None) -> Iterator[None]:
    """jupyter_core reads the config dir from the environment only; restore it so main() has no side effects."""
    if not config_dir:
        yield
        return
    previous = os.environ.get(_CONFIG_DIR_ENV)
    os.environ[_CONFIG_DIR_ENV] = str(Path(config_dir).expanduser().absolute())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(_CONFIG_DIR_ENV, None)
        else:
            os.environ[_CONFIG_DIR_ENV] = previous


def _load_server_config() -> Config:
    reader = _ConfigReader()
    for base_name in _SERVER_CONFIG_FILES:
        try:
            # Application's plain loader: JupyterApp's override only loads its own file name.
            Application.load_config_file(reader, base_name, path=reader.config_file_paths)
        except ConfigFileNotFound:
            continue
        except Exception as exc:  # a broken config file must not stop profile management
            warn(f"could not read Jupyter config {base_name}: {exc}")
    return reader.config


@dataclass
class ProfileFile:
    """Our profile file as read from disk, with what is needed to rewrite it safely."""

    content: ProfileFileContent

    @classmethod
    def read(cls, path: Path) -> ProfileFile:
        return cls(load_profile_file(path))

    @property
    def path(self) -> Path:
        return self.content.path

    @property
    def profiles(self) -> list[Profile]:
        return list(self.content.profiles)

    def find(self, name: str) -> Profile | None:
        return self.content.find(name)

    def save(self, profiles: Iterable[Profile], *, force: bool) -> None:
        if self.content.damaged and not force:
            details = "; ".join(self.content.warnings)
            raise CliError(
                ExitCode.ERROR,
                f"{self.path} has entries that cannot be read ({details}); saving would drop them. "
                "Fix the file, or pass --force to rewrite it without them",
            )
        profiles = list(profiles)
        try:
            # Under the lock the server takes too: write only over the content we read.
            with profile_file_lock(self.path):
                if file_signature(self.path) != self.content.signature:
                    raise CliError(
                        ExitCode.ERROR,
                        f"{self.path} was changed by another program meanwhile; "
                        "nothing was written, run the command again",
                    )
                save_profile_file(self.path, profiles)
        except ProfileFileError as exc:
            raise CliError(ExitCode.ERROR, f"cannot write {self.path}: {exc}") from None
        except OSError as exc:
            raise CliError(
                ExitCode.ERROR, f"cannot write {self.path}: {exc.strerror or exc}"
            ) from None
        self.content = load_profile_file(self.path)


def read_legacy_file(path: Path) -> tuple[list[LegacyEntry], list[str]]:
    return load_legacy_files([path])


def collect_profiles(
    settings: BridgeSettings, own_file: ProfileFile
) -> tuple[list[FoundProfile], list[str]]:
    """All profiles the server would register, in its order (see ``profile_sources``)."""
    gathered = gather_profiles(settings.sources, own_file.content, os.environ)
    warnings = list(gathered.warnings)
    warnings += [
        f"{item.source}: {item.profile.name!r} stores a password in plain text; "
        "run 'jupyter openbis import-legacy' and delete that file"
        for item in gathered.plaintext_passwords
    ]
    return list(gathered.profiles), warnings


def tls_mode(profile: Profile) -> str:
    if not profile.verify_certificates:
        return "NOT VERIFIED"
    return f"CA bundle {profile.ca_bundle}" if profile.ca_bundle else "system CAs"


def is_editable(profile: Profile) -> bool:
    return profile.origin not in (ORIGIN_CONFIG, ORIGIN_ENV, ORIGIN_LEGACY)
