"""Strict parser of V3 search criteria (SPEC §6.3, risks 17, 24, 26).

``parse`` turns the JSON criteria into a ``Node`` tree and rejects what real openBIS
(Jackson with FAIL_ON_UNKNOWN_PROPERTIES=false but no single-value-as-array) rejects:
a ``criteria`` that is not an array, and unknown ``@type`` names. Unknown *fields* are
ignored, as Jackson does. ``expect_type`` checks the top-level class; evaluation is in
``match``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ..errors import OpenbisError
from .values import value_kind

log = logging.getLogger(__name__)

JACKSON_MISMATCH = "com.fasterxml.jackson.databind.exc.MismatchedInputException"
JACKSON_INVALID_TYPE = "com.fasterxml.jackson.databind.exc.InvalidTypeIdException"
_JAVA_PREFIX = "ch.ethz.sis.openbis.generic.asapi.v3.dto."

# composite criteria: @type -> (target kind, relation from the enclosing record)
COMPOSITES: dict[str, tuple[str, str]] = {
    "as.dto.space.search.SpaceSearchCriteria": ("SPACE", "self"),
    "as.dto.project.search.ProjectSearchCriteria": ("PROJECT", "self"),
    "as.dto.experiment.search.ExperimentSearchCriteria": ("EXPERIMENT", "self"),
    "as.dto.sample.search.SampleSearchCriteria": ("SAMPLE", "self"),
    "as.dto.sample.search.SampleParentsSearchCriteria": ("SAMPLE", "parents"),
    "as.dto.sample.search.SampleChildrenSearchCriteria": ("SAMPLE", "children"),
    "as.dto.sample.search.SampleContainerSearchCriteria": ("SAMPLE", "container"),
    "as.dto.dataset.search.DataSetSearchCriteria": ("DATA_SET", "self"),
    "as.dto.dataset.search.DataSetParentsSearchCriteria": ("DATA_SET", "parents"),
    "as.dto.dataset.search.DataSetChildrenSearchCriteria": ("DATA_SET", "children"),
    "as.dto.dataset.search.DataSetContainerSearchCriteria": ("DATA_SET", "container"),
    "as.dto.dataset.search.PhysicalDataSearchCriteria": ("DATA_SET", "physicalData"),
    "as.dto.sample.search.SampleTypeSearchCriteria": ("TYPE", "self"),
    "as.dto.experiment.search.ExperimentTypeSearchCriteria": ("TYPE", "self"),
    "as.dto.dataset.search.DataSetTypeSearchCriteria": ("TYPE", "self"),
    "as.dto.entitytype.search.EntityTypeSearchCriteria": ("TYPE", "self"),
    "as.dto.property.search.PropertyTypeSearchCriteria": ("PROPERTY_TYPE", "self"),
    "as.dto.vocabulary.search.VocabularySearchCriteria": ("VOCABULARY", "self"),
    "as.dto.vocabulary.search.VocabularyTermSearchCriteria": ("TERM", "self"),
    "as.dto.tag.search.TagSearchCriteria": ("TAG", "self"),
    "as.dto.person.search.PersonSearchCriteria": ("PERSON", "self"),
    "as.dto.person.search.RegistratorSearchCriteria": ("PERSON", "registrator"),
    "as.dto.person.search.ModifierSearchCriteria": ("PERSON", "modifier"),
    "as.dto.datastore.search.DataStoreSearchCriteria": ("DATA_STORE", "self"),
    "as.dto.pat.search.PersonalAccessTokenSearchCriteria": ("PAT", "self"),
    "as.dto.pat.search.PersonalAccessTokenOwnerSearchCriteria": ("PERSON", "owner"),
}

# leaf criteria: @type -> what they compare
LEAVES: dict[str, str] = {
    "as.dto.common.search.CodeSearchCriteria": "code",
    "as.dto.common.search.CodesSearchCriteria": "codes",
    "as.dto.common.search.PermIdSearchCriteria": "permId",
    "as.dto.common.search.IdentifierSearchCriteria": "identifier",
    "as.dto.common.search.IdSearchCriteria": "id",
    "as.dto.common.search.IdsSearchCriteria": "ids",
    "as.dto.common.search.StringPropertySearchCriteria": "property",
    "as.dto.common.search.NumberPropertySearchCriteria": "property",
    "as.dto.common.search.DatePropertySearchCriteria": "property",
    "as.dto.common.search.BooleanPropertySearchCriteria": "property",
    "as.dto.common.search.AnyPropertySearchCriteria": "anyProperty",
    "as.dto.common.search.AnyFieldSearchCriteria": "anyField",
    "as.dto.common.search.RegistrationDateSearchCriteria": "registrationDate",
    "as.dto.common.search.ModificationDateSearchCriteria": "modificationDate",
    "as.dto.dataset.search.StatusSearchCriteria": "status",
    "as.dto.person.search.UserIdSearchCriteria": "userId",
    "as.dto.person.search.FirstNameSearchCriteria": "firstName",
    "as.dto.person.search.LastNameSearchCriteria": "lastName",
    "as.dto.person.search.EmailSearchCriteria": "email",
    "as.dto.pat.search.PersonalAccessTokenSessionNameSearchCriteria": "sessionName",
}


@dataclass(frozen=True)
class Node:
    type_name: str
    target: str | None = None  # composites: kind of the records the children apply to
    relation: str = "self"
    operator: str = "AND"
    children: tuple[Node, ...] = ()
    field: str | None = None  # leaves: what is compared
    field_name: str | None = None  # property code for property criteria
    field_value: Any = None
    use_wildcards: bool = True

    @property
    def is_leaf(self) -> bool:
        return self.field is not None


def _java_name(type_name: str) -> str:
    return (
        _JAVA_PREFIX + type_name[len("as.dto.") :] if type_name.startswith("as.dto.") else type_name
    )


def parse(raw: Any, *, lenient: bool = False, _path: str = "") -> Node:
    """Parse one criteria object; raises ``OpenbisError`` (code 0) like real openBIS."""
    if not isinstance(raw, dict):
        raise OpenbisError(
            "Cannot deserialize instance of `ch.ethz.sis.openbis.generic.asapi.v3.dto.common."
            "search.ISearchCriteria` out of non-object token",
            JACKSON_MISMATCH,
        )  # (I)
    type_name = raw.get("@type")
    if type_name is None:
        raise OpenbisError(
            "Missing type id when trying to resolve subtype of [simple type, class "
            "ch.ethz.sis.openbis.generic.asapi.v3.dto.common.search.ISearchCriteria]: "
            "missing type id property '@type'",
            JACKSON_INVALID_TYPE,
        )  # (I)
    if type_name in LEAVES:
        return _parse_leaf(type_name, raw)
    if type_name not in COMPOSITES:
        raise OpenbisError(
            f"Could not resolve type id '{type_name}' as a subtype of [simple type, class "
            "ch.ethz.sis.openbis.generic.asapi.v3.dto.common.search.ISearchCriteria]: "
            "known type ids = [...]",
            JACKSON_INVALID_TYPE,
        )  # (I)
    target, relation = COMPOSITES[type_name]
    children_raw = raw.get("criteria", [])
    if children_raw is None:
        children_raw = []
    if isinstance(children_raw, dict):
        # pybis's nested-object quirk (SPEC §6.3): Jackson refuses an object for a Collection
        if not lenient:
            raise OpenbisError(
                "Cannot deserialize instance of `java.util.ArrayList` out of START_OBJECT token\n"
                f" at [Source: UNKNOWN; line: -1, column: -1] (through reference chain: "
                f'{_java_name(type_name)}["criteria"])',
                JACKSON_MISMATCH,
            )  # (I) exact text
        log.warning("accepting a non-array 'criteria' in %s (lenient mode)", type_name)
        children_raw = [children_raw]
    if not isinstance(children_raw, list):
        raise OpenbisError(
            f"Cannot deserialize instance of `java.util.ArrayList` out of "
            f"{type(children_raw).__name__.upper()} token (through reference chain: "
            f'{_java_name(type_name)}["criteria"])',
            JACKSON_MISMATCH,
        )
    operator = raw.get("operator") or "AND"
    if operator not in ("AND", "OR"):
        raise OpenbisError(
            f"Cannot deserialize value of type `ch.ethz.sis.openbis.generic.asapi.v3.dto.common."
            f'search.SearchOperator` from String "{operator}": not one of the values accepted '
            "for Enum class: [OR, AND]",
            JACKSON_MISMATCH,
        )
    children = tuple(parse(child, lenient=lenient) for child in children_raw)
    return Node(
        type_name=type_name, target=target, relation=relation, operator=operator, children=children
    )


def _parse_leaf(type_name: str, raw: dict[str, Any]) -> Node:
    field = LEAVES[type_name]
    value = raw.get("fieldValue")
    if field == "status":
        if not isinstance(value, str):
            raise OpenbisError("Status search criteria value cannot be null.")  # (I)
    elif field not in ("id", "ids", "codes"):
        value_kind(value)  # validates the value bean's type
    use_wildcards = raw.get("useWildcards")
    field_name = raw.get("fieldName")
    if field == "property" and not isinstance(field_name, str):
        raise OpenbisError("Property name cannot be null.")  # (I)
    return Node(
        type_name=type_name,
        field=field,
        field_name=field_name.upper() if field == "property" else field_name,
        field_value=value,
        use_wildcards=True if use_wildcards is None else bool(use_wildcards),
    )


def expect_type(node: Node, *allowed: str) -> None:
    """The top-level criteria must be of the class the method declares."""
    if node.type_name not in allowed:
        raise OpenbisError(
            f"Cannot deserialize value: expected {', '.join(_java_name(a) for a in allowed)} "
            f"but got {_java_name(node.type_name)}",
            JACKSON_MISMATCH,
        )  # (I)
