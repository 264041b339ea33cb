"""Immutable in-memory records of the sandbox's metadata, and the ``Graph`` joining them.

The SQLite store is the source of truth; reads work on a ``Graph`` snapshot loaded from
it (cached until the next write). Searching, DTO building and id resolution are then
plain Python over these records, which keeps each of those modules free of SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .directory import Directory


@dataclass(frozen=True)
class Person:
    user_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    registration_ms: int
    active: bool = True


@dataclass(frozen=True)
class Space:
    tech_id: int
    code: str
    description: str | None
    registrator: str
    registration_ms: int
    modification_ms: int


@dataclass(frozen=True)
class Project:
    perm_id: str
    code: str
    space: str
    description: str | None
    registrator: str
    modifier: str
    registration_ms: int
    modification_ms: int

    @property
    def identifier(self) -> str:
        return f"/{self.space}/{self.code}"


@dataclass(frozen=True)
class Vocabulary:
    code: str
    description: str | None
    registrator: str
    registration_ms: int
    modification_ms: int
    managed_internally: bool = False
    chosen_from_list: bool = True
    url_template: str | None = None


@dataclass(frozen=True)
class Term:
    vocabulary: str
    code: str
    label: str | None
    description: str | None
    ordinal: int
    official: bool
    registrator: str
    registration_ms: int
    modification_ms: int


@dataclass(frozen=True)
class PropertyType:
    code: str
    label: str
    description: str
    data_type: str
    vocabulary: str | None
    managed_internally: bool
    registrator: str | None
    registration_ms: int
    multi_value: bool = False
    sample_type: str | None = None  # data type SAMPLE: the allowed sample type, None = all
    meta_data: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Assignment:
    property_code: str
    section: str | None
    ordinal: int
    mandatory: bool
    show_in_edit_view: bool
    show_raw_value_in_forms: bool
    registrator: str | None
    registration_ms: int
    plugin: str | None = None  # name of a dynamic/managed property plugin


@dataclass(frozen=True)
class EntityType:
    """A sample, experiment or data set type (``kind`` = SAMPLE | EXPERIMENT | DATA_SET)."""

    kind: str
    code: str
    description: str | None
    modification_ms: int
    # kind-specific flags (generatedCodePrefix, mainDataSetPattern, …) by DTO field name
    options: dict = field(default_factory=dict, hash=False, compare=False)
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True)
class Experiment:
    perm_id: str
    code: str
    project_perm_id: str
    type_code: str
    registrator: str
    modifier: str
    registration_ms: int
    modification_ms: int
    properties: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Sample:
    perm_id: str
    code: str
    space: str | None
    project_perm_id: str | None
    experiment_perm_id: str | None
    type_code: str
    registrator: str
    modifier: str
    registration_ms: int
    modification_ms: int
    properties: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class DataSet:
    perm_id: str
    kind: str
    type_code: str
    sample_perm_id: str | None
    experiment_perm_id: str | None
    size: int
    status: str
    registrator: str
    modifier: str
    registration_ms: int
    modification_ms: int
    access_ms: int
    properties: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def code(self) -> str:
        return self.perm_id


@dataclass(frozen=True)
class PersonalAccessToken:
    hash: str
    owner: str
    session_name: str
    valid_from_ms: int
    valid_to_ms: int
    registrator: str
    modifier: str
    registration_ms: int
    modification_ms: int
    access_ms: int | None


@dataclass(frozen=True)
class Tag:
    """A tag (openBIS "metaproject"): private to its owner, permId ``/<owner>/<CODE>``."""

    perm_id: str
    code: str
    owner: str
    description: str | None
    registration_ms: int


@dataclass(frozen=True)
class PhysicalFlags:
    present_in_archive: bool = False
    archiving_requested: bool = False
    unarchiving_requested: bool = False


NO_FLAGS = PhysicalFlags()


@dataclass
class Graph:
    """A consistent snapshot of all metadata, with the relations pre-joined."""

    persons: dict[str, Person]
    spaces: dict[str, Space]
    projects: dict[str, Project]
    experiments: dict[str, Experiment]
    samples: dict[str, Sample]
    datasets: dict[str, DataSet]
    types: dict[tuple[str, str], EntityType]
    property_types: dict[str, PropertyType]
    vocabularies: dict[str, Vocabulary]
    terms: dict[tuple[str, str], Term]
    sample_parents: dict[str, list[str]]
    sample_children: dict[str, list[str]]
    dataset_parents: dict[str, list[str]]
    dataset_children: dict[str, list[str]]
    pats: dict[str, PersonalAccessToken]
    datastore_registration_ms: int
    # tags by permId; an entity's tag permIds by (kind, permId)
    tags: dict[str, Tag] = field(default_factory=dict)
    entity_tags: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # archiving flags of physical data sets; containers' components and the reverse
    physical_flags: dict[str, PhysicalFlags] = field(default_factory=dict)
    dataset_components: dict[str, list[str]] = field(default_factory=dict)
    dataset_containers: dict[str, list[str]] = field(default_factory=dict)
    # persons' extras, groups, role assignments, plugins
    directory: Directory = field(default_factory=Directory)

    # --- identifier helpers -------------------------------------------------------

    def project_identifier(self, perm_id: str) -> str:
        return self.projects[perm_id].identifier

    def experiment_identifier(self, exp: Experiment) -> str:
        return f"{self.projects[exp.project_perm_id].identifier}/{exp.code}"

    def sample_identifier(self, sample: Sample) -> str:
        if sample.project_perm_id is not None:
            return f"{self.projects[sample.project_perm_id].identifier}/{sample.code}"
        if sample.space is not None:
            return f"/{sample.space}/{sample.code}"
        return f"/{sample.code}"

    def sample_project(self, sample: Sample) -> Project | None:
        if sample.project_perm_id is not None:
            return self.projects[sample.project_perm_id]
        if sample.experiment_perm_id is not None:
            return self.projects[self.experiments[sample.experiment_perm_id].project_perm_id]
        return None

    def dataset_experiment(self, ds: DataSet) -> Experiment | None:
        if ds.experiment_perm_id is None:
            return None
        return self.experiments[ds.experiment_perm_id]

    def terms_of(self, vocabulary: str) -> list[Term]:
        found = [t for (v, _), t in self.terms.items() if v == vocabulary]
        return sorted(found, key=lambda t: t.ordinal)

    def entity_type(self, kind: str, code: str) -> EntityType | None:
        return self.types.get((kind, code))

    def types_of_kind(self, kind: str) -> Iterable[EntityType]:
        return (t for (k, _), t in self.types.items() if k == kind)
