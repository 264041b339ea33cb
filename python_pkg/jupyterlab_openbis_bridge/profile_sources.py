"""Which connection profiles the server registers, from where, and in which order.

One function shared by the server (``server/app.py``) and ``jupyter openbis``
(``cli/sources.py``), so the two can never disagree. No server or Jupyter
imports: callers resolve the settings and read our profile file themselves
(the server keeps that content to merge later edits).

Order (the first profile of a name wins, later ones are *shadowed*):
``c.OpenBISBridge.connections``, our profile file, ``OPENBIS_URL`` +
``OPENBIS_TOKEN`` (or, without ``OPENBIS_TOKEN``, ``OPENBIS_URL`` + the session the hub's
openBIS authenticator saved in ``~/.pybis``), then the predecessor's YAML files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .hub_token import HubTokenFile
from .profiles import (
    ORIGIN_CONFIG,
    Profile,
    ProfileError,
    ProfileFileContent,
    hub_profile_from_environment,
    load_legacy_files,
    profile_from_environment,
    profile_from_mapping,
)

CONFIG_SOURCE = "Jupyter config (c.OpenBISBridge.connections)"
ENVIRONMENT_SOURCE = "environment (OPENBIS_URL + OPENBIS_TOKEN)"


@dataclass(frozen=True)
class SourceSettings:
    """The ``c.OpenBISBridge`` settings that decide which profiles exist."""

    configured: tuple[Mapping[str, Any], ...] = ()
    read_environment: bool = True
    read_legacy: bool = True
    verify_certificates: bool = True
    ca_bundle: str | None = None
    legacy_files: tuple[Path, ...] = ()  # every place the old YAML may be, in search order

    @property
    def default_ca(self) -> str | None:
        return self.ca_bundle if self.verify_certificates else None


@dataclass(frozen=True)
class FoundProfile:
    profile: Profile
    source: str  # a file path, or a description of the config source
    password: str | None = field(default=None, repr=False)  # legacy YAML: memory only
    token: str | None = field(default=None, repr=False)  # OPENBIS_TOKEN
    shadowed: bool = False  # an earlier source has a profile of this name
    token_file: HubTokenFile | None = None  # OPENBIS_URL alone: the hub's ~/.pybis token


@dataclass(frozen=True)
class GatheredProfiles:
    profiles: tuple[FoundProfile, ...]
    warnings: tuple[str, ...]  # skipped entries, unreadable files (no password notices)

    @property
    def active(self) -> list[FoundProfile]:
        return [item for item in self.profiles if not item.shadowed]

    @property
    def plaintext_passwords(self) -> list[FoundProfile]:
        return [item for item in self.profiles if item.password]


def gather_profiles(
    settings: SourceSettings,
    own_file: ProfileFileContent,
    environ: Mapping[str, str],
) -> GatheredProfiles:
    """All profiles in the server's order, with the defaults the server applies to each source."""
    found: list[FoundProfile] = []
    warnings = list(own_file.warnings)
    for index, entry in enumerate(settings.configured):
        data = {
            "verifyCertificates": settings.verify_certificates,
            "caBundle": settings.ca_bundle,
            **entry,
        }
        if not data["verifyCertificates"]:
            data["caBundle"] = None
        try:
            found.append(FoundProfile(profile_from_mapping(data, ORIGIN_CONFIG), CONFIG_SOURCE))
        except ProfileError as exc:
            warnings.append(f"c.OpenBISBridge.connections[{index}] skipped: {exc}")
    found += [FoundProfile(profile, str(own_file.path)) for profile in own_file.profiles]
    if settings.read_environment:
        try:
            from_env = profile_from_environment(environ)
        except ProfileError as exc:
            warnings.append(f"OPENBIS_URL ignored: {exc}")
            from_env = None
        if from_env is not None:
            profile, token = from_env
            profile = profile.with_changes(
                verify_certificates=settings.verify_certificates, ca_bundle=settings.default_ca
            )
            found.append(FoundProfile(profile, ENVIRONMENT_SOURCE, token=token))
        found += _hub_login_profile(settings, environ, warnings)
    if settings.read_legacy:
        legacy, legacy_warnings = load_legacy_files(settings.legacy_files)
        warnings += legacy_warnings
        for item in legacy:
            profile = item.profile
            if profile.verify_certificates and settings.ca_bundle:
                profile = profile.with_changes(ca_bundle=settings.ca_bundle)
            found.append(FoundProfile(profile, str(item.path), password=item.password))
    return GatheredProfiles(_mark_shadowed(found), tuple(warnings))


def _mark_shadowed(found: list[FoundProfile]) -> tuple[FoundProfile, ...]:
    seen: set[str] = set()
    marked = []
    for item in found:
        shadowed = item.profile.name in seen
        marked.append(replace(item, shadowed=shadowed))
        seen.add(item.profile.name)
    return tuple(marked)


def _hub_login_profile(
    settings: SourceSettings, environ: Mapping[str, str], warnings: list[str]
) -> list[FoundProfile]:
    """OPENBIS_URL without a token: a profile whose session is read later from ``~/.pybis``."""
    try:
        profile = hub_profile_from_environment(environ)
    except ProfileError as exc:
        warnings.append(f"OPENBIS_URL ignored: {exc}")
        return []
    if profile is None:
        return []
    profile = profile.with_changes(
        verify_certificates=settings.verify_certificates, ca_bundle=settings.default_ca
    )
    home = environ.get("HOME")
    token_file = HubTokenFile(profile.url, home=Path(home) if home else None)
    return [FoundProfile(profile, token_file.describe(), token_file=token_file)]
