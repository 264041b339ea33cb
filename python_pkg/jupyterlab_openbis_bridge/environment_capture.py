"""What a Python kernel's ``requirements.txt`` and ``runtime.txt`` pin: one source for all callers.

Two callers run this code inside the user's kernel:

- the save widget (``kernel/widgets/save.py``) imports it, since the widget runs in the kernel;
- the frontend cannot rely on the kernel having this package (a kernel of another environment,
  a remote kernel), so it sends this file's source along with its request; the build embeds it
  (``scripts/embed-capture-code.mjs`` writes ``src/captureCode.ts``). The source is run with
  ``exec`` in a namespace of its own and must therefore stay standard-library only, with no
  relative import.

Modes (docs/rerun.md):

- ``full``: every distribution installed in the kernel's environment;
- ``imported``: the distributions providing a module the kernel has imported (through
  ``importlib.metadata.packages_distributions()``), plus their requirements closure
  (extras left out).

Distributions installed from a local folder or a VCS cannot be pinned by version alone: they are
listed in ``local`` (``requirements.txt`` names them as comments), except this extension itself
when its version is a plain release, which is then on the package index.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import re
import sys
from typing import Any

MODES = ("imported", "full")
SELF = "jupyterlab-openbis-bridge"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_RELEASE = re.compile(r"[0-9]+(\.[0-9]+)*")
# Imported at interpreter start-up by ``.pth`` files (setuptools' distutils shim, the finders of
# editable installs), not by the notebook: they say nothing about what the notebook needs.
_STARTUP_MODULES = re.compile(r"_distutils_hack|__editable__.*")


def canonical(name: str) -> str:
    """A distribution name as the package index compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, Any]:
    """Every distribution on ``sys.path`` by canonical name (the first one found wins, as imports do)."""
    found: dict[str, Any] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if name and canonical(name) not in found:
            found[canonical(name)] = dist
    return found


def imported_closure(dists: dict[str, Any], modules: list[str]) -> set[str]:
    """Distributions providing ``modules`` (top-level names count), plus what they require."""
    provided = metadata.packages_distributions()
    tops = {module.split(".")[0] for module in modules}
    tops = {top for top in tops if not _STARTUP_MODULES.fullmatch(top)}
    queue = [canonical(d) for top in tops for d in provided.get(top, [])]
    wanted: set[str] = set()
    while queue:
        key = queue.pop()
        if key in wanted or key not in dists:
            continue
        wanted.add(key)
        for requirement in dists[key].requires or []:
            if "extra ==" in requirement.replace('"', "").replace("'", ""):
                continue  # an optional extra: not needed to import the distribution
            name = _NAME.match(requirement)
            if name:
                queue.append(canonical(name.group(0)))
    return wanted


def local_origin(dist: Any) -> str | None:
    """``url`` of a local-folder, file or VCS install (PEP 610 ``direct_url.json``), else None."""
    try:
        text = dist.read_text("direct_url.json")
    except OSError:
        return None
    if not text:
        return None
    try:
        info = json.loads(text)
    except ValueError:
        return "?"
    url = str(info.get("url", "?"))
    if "vcs_info" in info or info.get("dir_info") is not None or url.startswith("file:"):
        return url
    return None  # an archive downloaded from a URL: the version pin finds it on the index


def capture(mode: str = "imported") -> dict[str, Any]:
    """The environment as ``{packages: {name: version}, local: [...], version, mode}``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    dists = installed()
    wanted = set(dists) if mode == "full" else imported_closure(dists, list(sys.modules))
    packages: dict[str, str] = {}
    local: list[str] = []
    for key in sorted(wanted):
        dist = dists[key]
        name = dist.metadata["Name"]
        packages[name] = dist.version
        origin = local_origin(dist)
        if origin is None or (key == SELF and _RELEASE.fullmatch(dist.version)):
            continue
        local.append(f"{name} @ {origin}")
    return {
        "packages": packages,
        "local": sorted(local),
        "version": "{}.{}".format(*sys.version_info[:2]),
        "mode": mode,
    }


def requirements_text(payload: dict[str, Any]) -> str:
    """``requirements.txt``: sorted ``name==version`` pins, then local installs as comments.

    The same text as ``requirementsText`` in ``src/kernel.ts`` (tests check both).
    """
    local_names = {entry.split(" @ ")[0].lower() for entry in payload["local"]}
    pins = sorted(
        {
            f"{name}=={version}"
            for name, version in payload["packages"].items()
            if name.lower() not in local_names
        },
        key=str.lower,
    )
    if payload["local"]:
        pins.append("# Installed from a local folder or a VCS (not reproducible from an index):")
        pins.extend(f"# {entry}" for entry in payload["local"])
    return "\n".join(pins) + "\n"


def runtime_line(payload: dict[str, Any]) -> str:
    """``runtime.txt``: ``python-3.12`` (the repo2docker form)."""
    return f"python-{payload['version']}"


def print_environment(prefix: str, mode: str) -> None:
    """The frontend's entry point: one line ``<prefix> <json>`` on stdout."""
    print(prefix + " " + json.dumps(capture(mode)), flush=True)
