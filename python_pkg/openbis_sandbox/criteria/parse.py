"""Parser of V3 search criteria as openBIS's Jackson reads them (SPEC §6.3, risks 17, 24, 26).

``parse`` turns the JSON criteria into a ``Node`` tree. Like openBIS (jsonrpc4j reads every
parameter with ACCEPT_SINGLE_VALUE_AS_ARRAY, see ``jackson.collection``), a single criterion
where the ``criteria`` collection is expected is read as a one-element list, at any depth;
unknown *fields* are ignored (``GenericObjectMapper`` disables FAIL_ON_UNKNOWN_PROPERTIES).
Unknown or missing ``@type`` names and values of the wrong JSON kind are refused with
Jackson's code-0 errors. ``expect_type`` checks the top-level class; evaluation is in ``match``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import OpenbisError
from ..jackson import (
    JACKSON_INVALID_TYPE,
    JACKSON_MISMATCH,
    check_id,
    collection,
    java_name,
    mismatch,
    missing_type,
    not_a_bean,
    unknown_type,
)
from .values import value_kind

_CRITERIA_BASE = java_name("as.dto.common.search.ISearchCriteria")

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
    "as.dto.authorizationgroup.search.AuthorizationGroupSearchCriteria": ("GROUP", "self"),
    "as.dto.roleassignment.search.RoleAssignmentSearchCriteria": ("ROLE", "self"),
    "as.dto.plugin.search.PluginSearchCriteria": ("PLUGIN", "self"),
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
    "as.dto.common.search.NameSearchCriteria": "name",
    "as.dto.plugin.search.PluginTypeSearchCriteria": "pluginType",
}


# leaves whose value is a string value bean; a null ``fieldValue`` (or a null value in it)
# matches every record, as openBIS's StringFieldMatcher has it
STRING_FIELDS = {
    "code",
    "permId",
    "identifier",
    "property",
    "anyProperty",
    "anyField",
    "userId",
    "firstName",
    "lastName",
    "email",
    "sessionName",
    "name",
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


def parse(raw: Any, *, _where: str = "") -> Node:
    """Parse one criteria object; raises ``OpenbisError`` (code 0) like real openBIS."""
    if raw is None and not _where:
        raise OpenbisError("Criteria cannot be null.")  # (I) a null parameter
    if not isinstance(raw, dict):
        raise not_a_bean(raw, _where)
    type_name = raw.get("@type")
    if type_name is None:
        raise missing_type(_CRITERIA_BASE)
    if not isinstance(type_name, str):
        raise OpenbisError(
            f"Unexpected token ({'START_OBJECT' if isinstance(type_name, dict) else 'VALUE'}), "
            "expected VALUE_STRING: need JSON String that contains type id (for subtype of "
            f"{_CRITERIA_BASE})",
            JACKSON_MISMATCH,
        )
    if type_name in LEAVES:
        return _parse_leaf(type_name, raw)
    if type_name not in COMPOSITES:
        raise unknown_type(type_name, _CRITERIA_BASE)
    target, relation = COMPOSITES[type_name]
    operator = raw.get("operator") or "AND"
    if operator not in ("AND", "OR"):
        raise OpenbisError(
            "Cannot deserialize value of type `ch.ethz.sis.openbis.generic.asapi.v3.dto.common."
            f'search.SearchOperator` from String "{operator}": value not one of declared Enum '
            "instance names: [OR, AND]",
            "com.fasterxml.jackson.databind.exc.InvalidFormatException",
        )
    where = f'{java_name(type_name)}["criteria"]'
    children = tuple(
        parse(child, _where=f"{where}->java.util.ArrayList[{i}]")
        for i, child in enumerate(collection(raw.get("criteria")) or [])
        if not _null_reference(child)
    )
    return Node(
        type_name=type_name, target=target, relation=relation, operator=operator, children=children
    )


def _null_reference(child: Any) -> bool:
    """A null element, or a number (an ``@id`` reference to nothing, read as null): openBIS
    reads the criteria without it (I: what its search then does with the null)."""
    return child is None or (isinstance(child, (int, float)) and not isinstance(child, bool))


def with_declared_type(raw: Any, declared: str) -> Any:
    """A top-level criteria object without ``@type`` is read as the declared class, which has
    no subclasses (e.g. ``SampleSearchCriteria`` for ``searchSamples``)."""
    if isinstance(raw, dict) and "@type" not in raw:
        return {**raw, "@type": declared}
    return raw


def _parse_leaf(type_name: str, raw: dict[str, Any]) -> Node:
    field = LEAVES[type_name]
    value = raw.get("fieldValue")
    if field in ("status", "pluginType"):  # an enum value, not a value bean
        if not isinstance(value, str):
            what = "Status" if field == "status" else "Plugin type"
            raise OpenbisError(f"{what} search criteria value cannot be null.")  # (I)
    elif field in ("ids", "codes"):
        value = collection(value)  # Collection-typed field values: single value as array
        if field == "ids":
            for i, item in enumerate(value or []):
                check_id(item, f'{java_name(type_name)}["fieldValue"]->java.util.ArrayList[{i}]')
    elif field == "id":
        check_id(value, f'{java_name(type_name)}["fieldValue"]')
    elif value is not None or field not in STRING_FIELDS:
        value_kind(value)  # validates the value bean's type
        if isinstance(value.get("value"), (dict, list)):
            raise mismatch(value["value"], "java.lang.String", f'{value["@type"]}["value"]')
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
            f"Could not resolve type id '{node.type_name}' as a subtype of [simple type, class "
            f"{java_name(allowed[0])}]: known type ids = [{', '.join(allowed)}]",
            JACKSON_INVALID_TYPE,
        )
