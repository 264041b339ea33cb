"""``jupyter openbis``: manage the bridge's openBIS connection profiles from a terminal.

Plain argparse rather than a traitlets ``JupyterApp``: the commands take
positional arguments, mutually exclusive options and prompts, and need exit
codes of their own; only the config *lookup* is Jupyter's (see cli/sources.py).
Profiles never hold secrets: passwords are asked for with getpass and tokens
come from stdin or ``OPENBIS_TOKEN``; neither is ever written anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..profile_sources import FoundProfile
from ..profiles import ORIGIN_USER, Profile, ProfileError, validate_profile
from .common import (
    EXIT_CODE_HELP,
    CliError,
    ExitCode,
    ask,
    confirm,
    require_terminal,
    stdin_is_terminal,
    warn,
)
from .rerun import add_rerun_parser
from .sources import (
    BridgeSettings,
    ProfileFile,
    collect_profiles,
    is_editable,
    read_legacy_file,
    tls_mode,
)

DEFAULT_TIMEOUT_S = 20.0


# --- add -----------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, settings: BridgeSettings) -> int:
    name, url, user = _add_values(args)
    profile = _validated(
        Profile(
            name=name,
            url=url,
            username=user,
            verify_certificates=not args.no_verify,
            ca_bundle=_ca_bundle_path(args.ca_bundle),
            origin=ORIGIN_USER,
        )
    )
    own_file = ProfileFile.read(settings.connections_file)
    existing = own_file.find(profile.name)
    if existing is not None and not args.replace:
        raise CliError(
            ExitCode.PROFILE_CONFLICT,
            f"a profile named {profile.name!r} already exists in {own_file.path} (use --replace)",
        )
    kept = [p for p in own_file.profiles if p.name != profile.name]
    own_file.save([*kept, profile], force=args.force)
    verb = "replaced" if existing else "added"
    print(
        f"{verb} {profile.name!r}: {profile.url}, user {profile.username or '-'}, TLS {tls_mode(profile)}"
    )
    print(f"saved to {own_file.path}")
    if not profile.verify_certificates:
        warn(
            "TLS certificate verification is OFF for this profile; anyone on the network path can read "
            "your password. Prefer --ca-bundle for a private CA"
        )
    return ExitCode.OK


def _add_values(args: argparse.Namespace) -> tuple[str, str, str | None]:
    """Take NAME, URL and --user from the arguments; ask for what is missing, in a terminal only."""
    missing = [label for label, value in (("NAME", args.name), ("URL", args.url)) if not value]
    if missing:
        require_terminal(" and ".join(missing), "give them as arguments")
    name = args.name or ask("Profile name")
    url = args.url or ask("openBIS URL (https://...)")
    user = args.user
    if user is None and stdin_is_terminal() and not (args.name and args.url):
        user = ask("openBIS user name (empty: ask at login)", required=False)
    return name, url, user or None


def _ca_bundle_path(raw: str | None) -> str | None:
    """profiles.py wants an absolute path; users type relative ones, and a typo should fail now, not at login."""
    if not raw:
        return None
    path = Path(raw).expanduser().absolute()
    if not path.is_file():
        raise CliError(ExitCode.INVALID_VALUE, f"CA bundle {path} is not a file")
    try:
        head = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise CliError(
            ExitCode.INVALID_VALUE, f"cannot read CA bundle {path}: {exc.strerror}"
        ) from None
    if "-----BEGIN CERTIFICATE-----" not in head:
        raise CliError(ExitCode.INVALID_VALUE, f"CA bundle {path} holds no PEM certificate")
    return str(path)


def _validated(profile: Profile) -> Profile:
    try:
        return validate_profile(profile)
    except ProfileError as exc:
        raise CliError(ExitCode.INVALID_VALUE, f"invalid {exc.field}: {exc.message}") from None


# --- list ----------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, settings: BridgeSettings) -> int:
    own_file = ProfileFile.read(settings.connections_file)
    listed, warnings = collect_profiles(settings, own_file)
    if args.json:
        json.dump(
            {
                "file": str(own_file.path),
                "connections": [_as_json(item) for item in listed],
                "warnings": warnings,
            },
            sys.stdout,
            indent=2,
        )
        print()
        return ExitCode.OK
    for warning in warnings:
        warn(warning)
    if not listed:
        print(f"no openBIS profiles (they would be saved in {own_file.path})")
        return ExitCode.OK
    rows = [("NAME", "URL", "USER", "TLS", "SOURCE")] + [
        (
            item.profile.name + (" (ignored: duplicate)" if item.shadowed else ""),
            item.profile.url,
            item.profile.username or "-",
            tls_mode(item.profile),
            item.source,
        )
        for item in listed
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[4]
        )
    return ExitCode.OK


def _as_json(item: FoundProfile) -> dict[str, Any]:
    profile = item.profile
    return {
        "name": profile.name,
        "url": profile.url,
        "username": profile.username,
        "verifyCertificates": profile.verify_certificates,
        "caBundle": profile.ca_bundle,
        "origin": profile.origin,
        "source": item.source,
        "editable": is_editable(profile),
        "shadowed": item.shadowed,
    }


# --- remove --------------------------------------------------------------------------------


def cmd_remove(args: argparse.Namespace, settings: BridgeSettings) -> int:
    own_file = ProfileFile.read(settings.connections_file)
    if own_file.find(args.name) is None:
        listed, _ = collect_profiles(settings, own_file)
        elsewhere = next((item for item in listed if item.profile.name == args.name), None)
        if elsewhere is not None:
            raise CliError(
                ExitCode.PROFILE_CONFLICT,
                f"{args.name!r} comes from {elsewhere.source} and is read-only here; edit that source",
            )
        raise CliError(
            ExitCode.PROFILE_CONFLICT, f"no profile named {args.name!r} in {own_file.path}"
        )
    if (
        stdin_is_terminal()
        and not args.yes
        and not confirm(f"Remove profile {args.name!r} from {own_file.path}?")
    ):
        print("nothing removed")
        return ExitCode.ERROR
    own_file.save([p for p in own_file.profiles if p.name != args.name], force=args.force)
    print(f"removed {args.name!r} from {own_file.path}")
    return ExitCode.OK


# --- test ----------------------------------------------------------------------------------


def cmd_test(args: argparse.Namespace, settings: BridgeSettings) -> int:
    from .login import check_login, gather_credentials

    profile = _find_profile(args.name, settings)
    if not profile.verify_certificates:
        warn(f"TLS certificate verification is OFF for {profile.name!r}")
    credentials = gather_credentials(profile, username=args.user, token_from_stdin=args.token_stdin)
    report = check_login(profile, credentials, timeout=args.timeout, out=sys.stderr)
    closing = "session closed" if report.session_kind == "password" else "token left valid"
    print(f"connected to {profile.name!r} at {profile.url}")
    print(f"  openBIS {report.openbis_version}, API {report.api_version}")
    print(f"  logged in as {report.user} ({report.session_kind}; {closing})")
    return ExitCode.OK


def _find_profile(name: str, settings: BridgeSettings) -> Profile:
    listed, _ = collect_profiles(settings, ProfileFile.read(settings.connections_file))
    for item in listed:
        if item.profile.name == name and not item.shadowed:
            return item.profile
    raise CliError(
        ExitCode.PROFILE_CONFLICT, f"no profile named {name!r} (see 'jupyter openbis list')"
    )


# --- import-legacy -------------------------------------------------------------------------


def cmd_import_legacy(args: argparse.Namespace, settings: BridgeSettings) -> int:
    if args.path:
        paths = [Path(args.path).expanduser().absolute()]
    else:
        paths = [path for path in settings.legacy_files if path.is_file()]
    if not paths or not paths[0].is_file():
        where = paths[0] if paths else "any Jupyter config directory"
        raise CliError(
            ExitCode.PROFILE_CONFLICT, f"no legacy openbis-connections.yaml found in {where}"
        )
    own_file = ProfileFile.read(settings.connections_file)
    result = list(own_file.profiles)
    imported = 0
    for path in paths:
        entries, warnings = read_legacy_file(path)
        for warning in warnings:
            warn(warning)
        print(f"{path}: {len(entries)} connection(s)")
        for entry in entries:
            imported += _import_entry(
                entry.profile, entry.password is not None, result, args.replace
            )
        if any(entry.password for entry in entries):
            print(
                f"  {path} still holds plain-text passwords: delete it or remove its 'password:' lines"
            )
    if imported:
        own_file.save(result, force=args.force)
    print(f"imported {imported} profile(s) into {own_file.path}")
    return ExitCode.OK


def _import_entry(legacy: Profile, had_password: bool, result: list[Profile], replace: bool) -> int:
    """Append or replace ``legacy`` (as an editable profile) in ``result``; returns 1 if it was taken."""
    profile = legacy.with_changes(origin=ORIGIN_USER)
    taken = next((i for i, p in enumerate(result) if p.name == profile.name), None)
    if taken is not None and not replace:
        print(f"  skipped {profile.name!r}: a profile of that name exists (use --replace)")
        return 0
    if taken is None:
        result.append(profile)
    else:
        result[taken] = profile
    print(
        f"  imported {profile.name!r}: {profile.url}, user {profile.username or '-'}, TLS {tls_mode(profile)}"
    )
    if had_password:
        print(
            f"  dropped the password of {profile.name!r}: it is never stored; you will be asked at login"
        )
    if not profile.verify_certificates:
        warn(f"{profile.name!r} keeps TLS verification OFF as in the old file; prefer a CA bundle")
    return 1


# --- parser and entry point ----------------------------------------------------------------


# Makes the parser of one subcommand: ``command(name, handler, help_text)``.
AddCommand = Callable[[str, Callable[..., int], str], argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter openbis",
        description="Manage the openBIS connection profiles of jupyterlab-openbis-bridge. "
        "Profiles hold no secrets; a running server companion picks up the changes.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config_dir = argparse.ArgumentParser(add_help=False)
    config_dir.add_argument(
        "--config-dir",
        metavar="DIR",
        help="Jupyter config directory to use instead of JUPYTER_CONFIG_DIR / ~/.jupyter",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            parents=[config_dir],
            help=help_text,
            description=help_text,
            epilog=EXIT_CODE_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    # In the order ``--help`` lists them.
    for add_parser in (
        _add_parser,
        _list_parser,
        _remove_parser,
        _test_parser,
        _import_legacy_parser,
        add_rerun_parser,
    ):
        add_parser(command)
    return parser


def _add_parser(command: AddCommand) -> None:
    add = command("add", cmd_add, "Add a profile (asks for missing values in a terminal).")
    add.add_argument("name", nargs="?", metavar="NAME")
    add.add_argument("url", nargs="?", metavar="URL", help="https://host[:port]")
    add.add_argument("--user", help="openBIS user name to suggest at login")
    tls = add.add_mutually_exclusive_group()
    tls.add_argument(
        "--ca-bundle", metavar="PATH", help="PEM file of the CA that signed the server certificate"
    )
    tls.add_argument(
        "--no-verify", action="store_true", help="do not verify the TLS certificate (unsafe)"
    )
    add.add_argument("--replace", action="store_true", help="overwrite a profile of the same name")
    add.add_argument(
        "--force", action="store_true", help="rewrite a profile file holding unreadable entries"
    )


def _list_parser(command: AddCommand) -> None:
    listing = command(
        "list", cmd_list, "Show all profiles the server would see, and where they come from."
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")


def _remove_parser(command: AddCommand) -> None:
    remove = command("remove", cmd_remove, "Remove a profile from the profile file.")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    remove.add_argument(
        "--force", action="store_true", help="rewrite a profile file holding unreadable entries"
    )


def _test_parser(command: AddCommand) -> None:
    test = command(
        "test", cmd_test, "Log in with a profile, show the server version and user, log out."
    )
    test.add_argument("name", metavar="NAME")
    test.add_argument("--user", help="log in as this user instead of the profile's")
    test.add_argument(
        "--token-stdin",
        action="store_true",
        help="read a session token or personal access token from stdin (else OPENBIS_TOKEN, "
        "else a password is asked for)",
    )
    test.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"per-request timeout (default {DEFAULT_TIMEOUT_S:g})",
    )


def _import_legacy_parser(command: AddCommand) -> None:
    legacy = command(
        "import-legacy",
        cmd_import_legacy,
        "Convert the old openbis-connections.yaml into profiles, dropping any password.",
    )
    legacy.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="the YAML file (default: every Jupyter config directory)",
    )
    legacy.add_argument(
        "--replace", action="store_true", help="overwrite profiles of the same name"
    )
    legacy.add_argument(
        "--force", action="store_true", help="rewrite a profile file holding unreadable entries"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = BridgeSettings.load(args.config_dir)
        return int(args.handler(args, settings))
    except CliError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return int(exc.code)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return int(ExitCode.INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
