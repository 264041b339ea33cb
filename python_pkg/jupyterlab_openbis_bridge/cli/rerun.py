"""``jupyter openbis rerun PERMID``: re-run a notebook saved in openBIS and compare its outputs.

The engine is ``jupyterlab_openbis_bridge.rerun`` (shared with the server's re-run job); this
module logs in like ``jupyter openbis test``, shows progress per phase and prints the report.
Exit codes (also in ``--help`` and docs/rerun.md): 0 every compared cell identical, 1 some
differ, 2 could not run (usage, fetch, environment or execution failed); a failed login
exits with the codes of ``jupyter openbis test`` (3-8), Ctrl-C with 130.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TextIO

from ..profiles import Profile
from .common import CliError, ExitCode
from .sources import BridgeSettings, ProfileFile, collect_profiles

RERUN_EXIT_HELP = """\
exit codes:
  0    every compared cell gave identical outputs
  1    some cells differ (or raise where they did not)
  2    could not run: usage, fetch, environment or execution failed
  3-8  login failed (as for 'jupyter openbis test')
  130  interrupted"""

DEFAULT_TIMEOUT_S = 60.0
BAR_WIDTH = 24


def add_rerun_parser(command) -> None:
    sub = command(
        "rerun",
        cmd_rerun,
        "Re-run a notebook saved in openBIS in its recorded environment and compare the outputs.",
    )
    sub.epilog = RERUN_EXIT_HELP
    sub.add_argument("perm_id", metavar="PERMID", help="permId of the ANALYSIS_NOTEBOOK data set")
    sub.add_argument("--connection", metavar="NAME", help="profile to use (default: the only one)")
    sub.add_argument(
        "--workdir", metavar="DIR", help="empty or new folder for the run (default: ./rerun-PERMID)"
    )
    sub.add_argument(
        "--keep", action="store_true", help="keep the venv and downloads (DIR/.openbis-rerun/)"
    )
    sub.add_argument(
        "--save",
        action="store_true",
        help="register the re-run notebook in openBIS; its parents are the original and its inputs",
    )
    sub.add_argument(
        "--reuse-site-packages",
        action="store_true",
        help="let the venv see this Python's packages and install only what is missing (fast)",
    )
    sub.add_argument("--installer", choices=("auto", "uv", "pip"), default="auto")
    sub.add_argument(
        "--python", metavar="PATH", help="interpreter to use instead of the recorded one"
    )
    sub.add_argument(
        "--share-session",
        action="store_true",
        help="give the notebook's kernel this openBIS session (OPENBIS_URL/OPENBIS_TOKEN)",
    )
    sub.add_argument("--cell-timeout", type=float, default=600.0, metavar="SECONDS")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")
    sub.add_argument("--user", help="log in as this user instead of the profile's")
    sub.add_argument(
        "--token-stdin", action="store_true", help="read a token from stdin (else OPENBIS_TOKEN)"
    )
    sub.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS")


def choose_profile(name: str | None, settings: BridgeSettings) -> Profile:
    listed, _ = collect_profiles(settings, ProfileFile.read(settings.connections_file))
    usable = [item.profile for item in listed if not item.shadowed]
    if name is not None:
        for profile in usable:
            if profile.name == name:
                return profile
        raise CliError(ExitCode.PROFILE_CONFLICT, f"no profile named {name!r}")
    if len(usable) == 1:
        return usable[0]
    names = ", ".join(sorted(p.name for p in usable)) or "none"
    raise CliError(ExitCode.USAGE, f"name a profile with --connection (profiles: {names})")


class PhaseProgress:
    """One line per phase; on a terminal a bar redrawn in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.phase: str | None = None

    def __call__(self, phase: str, done: int, total: int | None, message: str) -> None:
        if phase != self.phase:
            if self.phase is not None and self.live:
                self.stream.write("\n")
            self.phase = phase
            if not self.live:
                print(f"{phase}: {message}", file=self.stream, flush=True)
        if not self.live:
            return
        if total:
            filled = int(BAR_WIDTH * min(done, total) / total)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
        else:
            bar = f"[{'~' * (done % BAR_WIDTH):<{BAR_WIDTH}}]"
        self.stream.write(f"\r\x1b[2K{phase:<12}{bar} {message[:50]}")
        self.stream.flush()

    def finish(self) -> None:
        if self.phase is not None and self.live:
            self.stream.write("\n")
            self.stream.flush()


def cmd_rerun(args: argparse.Namespace, settings: BridgeSettings) -> int:
    import json

    from ..rerun import EXIT_COULD_NOT_RUN, RerunFailed, RerunOptions, render_report, rerun
    from ..rerun.report import render_failure
    from .login import gather_credentials, open_session

    profile = choose_profile(args.connection, settings)
    workdir = Path(args.workdir or f"rerun-{args.perm_id}").expanduser().absolute()
    options = RerunOptions(
        perm_id=args.perm_id,
        workdir=workdir,
        keep=args.keep,
        reuse_site_packages=args.reuse_site_packages,
        installer=args.installer,
        python=args.python,
        cell_timeout=args.cell_timeout,
        save=args.save,
    )
    credentials = gather_credentials(profile, username=args.user, token_from_stdin=args.token_stdin)
    progress = PhaseProgress(sys.stderr)
    with open_session(profile, credentials, timeout=args.timeout, out=sys.stderr) as client:
        kernel_env = _shared_session(profile, client) if args.share_session else None
        try:
            report = rerun(client, options, progress, kernel_env)
        except RerunFailed as failure:
            progress.finish()
            print(render_failure(failure), file=sys.stderr)
            return EXIT_COULD_NOT_RUN
        except Exception:  # a crash must not read as "results differ" (exit code 1)
            progress.finish()
            traceback.print_exc()
            print("could not re-run: unexpected error (above)", file=sys.stderr)
            return EXIT_COULD_NOT_RUN
    progress.finish()
    print(json.dumps(report.as_json(), indent=1) if args.json else render_report(report))
    return report.exit_code


def _shared_session(profile: Profile, client) -> dict[str, str]:
    env = {"OPENBIS_URL": profile.url, "OPENBIS_TOKEN": str(client.token)}
    if profile.ca_bundle:
        env["OPENBIS_CA_BUNDLE"] = profile.ca_bundle
    return env
