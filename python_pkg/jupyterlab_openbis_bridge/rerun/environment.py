"""Environment phase: a fresh venv from ``runtime.txt`` and ``requirements.txt``.

The interpreter is the recorded Python version when one is installed (``python3.11`` on the
PATH, or what ``uv`` finds); otherwise the Python running the re-run, and the report says
that the version differs. Packages are installed with ``uv`` when it is on the PATH, else
with the running Python's pip (``pip --python``, so the venv needs no pip of its own).
``ipykernel`` is added when the requirements do not bring it: nbclient needs a kernel.

``reuse_site_packages`` writes a ``.pth`` file into the venv that appends the running
Python's site-packages: pip and uv then see what is already installed there and install
only what is missing or pinned differently (that is how the tests stay fast). It applies
only when the venv's Python has the same version.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections import deque
from collections.abc import Callable
from pathlib import Path

from .model import EnvironmentInfo, Progress, RerunCancelled, RerunFailed, RerunOptions

PHASE = "environment"
KERNEL_PACKAGE = "ipykernel"
MESSAGE_LINES = 25  # of the installer's output kept for the report when it fails
_RUNTIME = re.compile(r"^\s*python-(\d+)\.(\d+)(?:\.\d+)?\s*$")
_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


def recorded_python(runtime: str | None) -> str | None:
    """``"3.11"`` from ``python-3.11``; None when nothing is recorded."""
    if not runtime or not runtime.strip():
        return None
    match = _RUNTIME.match(runtime.strip().splitlines()[0])
    if match is None:
        if runtime.strip().lower().startswith("r-"):
            raise RerunFailed(PHASE, "re-running R notebooks is not supported yet")
        raise RerunFailed(PHASE, f"runtime.txt is not understood: {runtime.strip()[:60]!r}")
    return f"{match.group(1)}.{match.group(2)}"


def python_version(executable: str) -> str | None:
    try:
        done = subprocess.run(
            [executable, "-c", _PROBE], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(wanted: str | None, override: str | None) -> tuple[str, str]:
    """An interpreter and its version: the override, the recorded one, else this Python."""
    if override:
        version = python_version(override)
        if version is None:
            raise RerunFailed(PHASE, f"{override} is not a working Python")
        return override, version
    if wanted:
        for candidate in (f"python{wanted}", _uv_python(wanted)):
            path = shutil.which(candidate) if candidate and os.sep not in candidate else candidate
            if path and python_version(path) == wanted:
                return path, wanted
    return sys.executable, _running_version()


def _running_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _uv_python(wanted: str) -> str | None:
    uv = shutil.which("uv")
    if not uv:
        return None
    done = subprocess.run(
        [uv, "python", "find", wanted], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def choose_installer(requested: str) -> str:
    if requested == "uv" and not shutil.which("uv"):
        raise RerunFailed(PHASE, "--installer uv given, but uv is not installed")
    if requested in ("uv", "pip"):
        return requested
    return "uv" if shutil.which("uv") else "pip"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _stream(
    command: list[str], phase_progress: Callable[[str], None], cancelled: Callable[[], bool]
) -> tuple[int, list[str]]:
    """Run ``command``; report each output line; keep the last lines; kill it on cancel."""
    tail: deque[str] = deque(maxlen=MESSAGE_LINES)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            tail.append(line.rstrip())
            phase_progress(line.strip())
            if cancelled():
                process.kill()
                raise RerunCancelled(PHASE)
        code = process.wait()
    return code, list(tail)


def _install_command(installer: str, python: Path, args: list[str]) -> list[str]:
    if installer == "uv":
        return [shutil.which("uv") or "uv", "pip", "install", "--python", str(python), *args]
    return [sys.executable, "-m", "pip", "--python", str(python), "install", *args]


def _create_venv(interpreter: str, venv: Path, installer: str) -> None:
    if installer == "uv":
        command = [
            shutil.which("uv") or "uv",
            "venv",
            "--quiet",
            "--python",
            interpreter,
            str(venv),
        ]
    else:
        command = [interpreter, "-m", "venv", "--without-pip", str(venv)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RerunFailed(PHASE, "could not create the virtual environment", done.stderr.strip())


def _reuse_site_packages(venv: Path, version: str) -> str | None:
    """Append this Python's site-packages to the venv's; a note when it cannot apply."""
    mine = _running_version()
    if version != mine:
        return f"packages of Python {mine} cannot be reused for Python {version}"
    python = venv_python(venv)
    done = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    # addsitedir (not a bare path line) so the .pth files there, editable installs among
    # them, are processed too; appended, so the venv's own packages come first.
    lines = [f"import site; site.addsitedir({path!r})" for path in paths]
    Path(done.stdout.strip(), "_openbis_rerun_reuse.pth").write_text("\n".join(lines) + "\n")
    return None


def _has_kernel(python: Path) -> bool:
    done = subprocess.run(
        [str(python), "-c", "import ipykernel_launcher"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return done.returncode == 0


def _requirement_name(line: str) -> str:
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    return re.sub(r"[-_.]+", "-", found.group(1)).lower() if found else ""


def _install(
    venv: Path,
    python: Path,
    lines: list[str],
    installer: str,
    options: RerunOptions,
    progress: Progress,
) -> None:
    listed = venv.parent / "requirements.txt"
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen = 0

    def report(line: str) -> None:
        nonlocal seen
        seen += 1
        progress(PHASE, seen, None, line[:100])

    command = _install_command(installer, python, ["-r", str(listed)])
    code, tail = _stream(command, report, options.cancelled)
    if code != 0:
        raise RerunFailed(PHASE, f"{installer} could not install requirements.txt", "\n".join(tail))


def build_environment(
    venv: Path,
    requirements: str | None,
    runtime: str | None,
    options: RerunOptions,
    progress: Progress,
) -> tuple[Path, EnvironmentInfo]:
    """Create ``venv`` and install into it; the venv's Python and what was done."""
    wanted = recorded_python(runtime)
    interpreter, version = find_python(wanted, options.python)
    installer = choose_installer(options.installer)
    info = EnvironmentInfo(wanted, version, installer, 0)
    if info.python_differs:
        info.notes.append(
            f"Python {wanted} is recorded but not installed here; running with Python {version}"
        )
    if wanted is None:
        info.notes.append(f"no runtime.txt: running with Python {version}")
    progress(PHASE, 0, None, f"creating a Python {version} venv ({installer})")
    _create_venv(interpreter, venv, installer)
    python = venv_python(venv)
    if options.reuse_site_packages:
        note = _reuse_site_packages(venv, version)
        if note:
            info.notes.append(note)
    lines = [
        line
        for line in (requirements or "").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    info.requirements = len(lines)
    # One installer run (one resolution) for the requirements and, when they lack it, the
    # kernel nbclient needs.
    if not _has_kernel(python):
        if not any(_requirement_name(line) == KERNEL_PACKAGE for line in lines):
            lines.append(KERNEL_PACKAGE)
            info.notes.append("ipykernel is not among the requirements; installed it to run")
    if lines:
        _install(venv, python, lines, installer, options, progress)
    if not _has_kernel(python):
        raise RerunFailed(PHASE, "the environment has no working ipykernel to run the notebook")
    return python, info
