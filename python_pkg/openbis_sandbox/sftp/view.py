"""The file system view openBIS's DSS serves over SFTP, resolved from the store.

Layout, as built by openBIS's default resolvers (``ch.systemsx.cisd.openbis.dss.generic.
server.fs.resolver``: ``RootLevelResolver`` lists the spaces, ``SpaceLevelResolver`` the
projects, ``ProjectLevelResolver`` the experiments, ``ExperimentLevelResolver`` the codes of
the experiment's data sets, ``DataSetContentResolver`` + ``HierarchicalContentResolver`` the
data set's own tree)::

    /SPACE/PROJECT/EXPERIMENT/DATASET_CODE/original/...

``FtpPathResolverRegistry.resolveDefault`` serves this tree at ``/`` when no file-system
plugin is configured, which is what the sandbox models. (With plugins, e.g. ELN-LIMS's
``eln-tree``, openBIS moves it under ``/DEFAULT`` and lists the plugin codes beside it.)
A path that does not resolve, or a data set the user may not see, is simply absent
("Path doesn't exist or unauthorized" in ``DataSetContentResolver``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..store.archiving import READABLE_STATUSES
from ..store.db import Store
from ..store.records import Graph


@dataclass(frozen=True)
class Folder:
    """A virtual or real directory and its entries, sorted by name.

    An entry is ``(name, real path)``; the path is None for the virtual levels (space,
    project, experiment, data set), which are directories.
    """

    entries: tuple[tuple[str, Path | None], ...]


@dataclass(frozen=True)
class DataFile:
    """A file of a data set, at its real location inside the data set's folder."""

    real_path: Path


Node = Folder | DataFile


def split_path(path: str) -> list[str] | None:
    """Path items of an SFTP path, ``.`` and ``..`` resolved lexically (never above ``/``);
    None for a path no client could mean (a NUL byte)."""
    if "\x00" in path:
        return None
    items: list[str] = []
    for item in path.split("/"):
        if item == "..":
            if items:
                items.pop()
        elif item not in ("", "."):
            items.append(item)
    return items


def resolve(store: Store, user: str, path: str) -> Node | None:
    """The node at ``path`` for ``user``, or None when it does not exist for them."""
    items = split_path(path)
    if items is None:
        return None
    graph = store.graph()
    if not items:
        return _virtual(graph.spaces)
    space, rest = items[0], items[1:]
    if space not in graph.spaces:
        return None
    projects = {p.code: p for p in graph.projects.values() if p.space == space}
    if not rest:
        return _virtual(projects)
    project = projects.get(rest[0])
    if project is None:
        return None
    experiments = {
        e.code: e for e in graph.experiments.values() if e.project_perm_id == project.perm_id
    }
    if len(rest) == 1:
        return _virtual(experiments)
    experiment = experiments.get(rest[1])
    if experiment is None:
        return None
    codes = _experiment_data_sets(graph, experiment.perm_id)
    if len(rest) == 2:
        return _virtual(codes)
    code = rest[2]
    if code not in codes or not store.user_can_access_dataset(user, code):
        return None
    if graph.datasets[code].status not in READABLE_STATUSES:
        return None  # archived: openBIS's content provider has no content to show
    return _content(store.dataset_dir(code), rest[3:])


def _virtual(names) -> Folder:
    return Folder(tuple((name, None) for name in sorted(names)))


def _experiment_data_sets(graph: Graph, experiment_perm_id: str) -> set[str]:
    """``Experiment.getDataSets()``: its own data sets and those of its samples."""
    codes = set()
    for data_set in graph.datasets.values():
        if data_set.kind != "PHYSICAL":
            continue  # containers and links have no content of their own in this store
        experiment = data_set.experiment_perm_id
        if experiment is None and data_set.sample_perm_id in graph.samples:
            experiment = graph.samples[data_set.sample_perm_id].experiment_perm_id
        if experiment == experiment_perm_id:
            codes.add(data_set.perm_id)
    return codes


def _confined(real_root: Path, candidate: Path) -> Path | None:
    """The real location of ``candidate`` when it exists inside ``real_root``."""
    try:
        target = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target != real_root and real_root not in target.parents:
        return None
    return target


def _content(root: Path, items: list[str]) -> Node | None:
    """``HierarchicalContentResolver``: a file, or a directory's children, confined to ``root``.

    Symlinks that leave the data set's folder are absent, like in the DSS's file servlets.
    """
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    target = _confined(real_root, real_root.joinpath(*items))
    if target is None:
        return None
    if target.is_file():
        return DataFile(target)
    if not target.is_dir():
        return None
    entries = []
    with os.scandir(target) as listing:
        for entry in listing:
            child = _confined(real_root, Path(entry.path))
            if child is not None and (child.is_dir() or child.is_file()):
                entries.append((entry.name, child))
    return Folder(tuple(sorted(entries)))
