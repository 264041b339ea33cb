"""How openBIS reads request JSON: the rules of its Jackson mapper that every reader shares.

openBIS serves the V3 API through jsonrpc4j, whose ``JsonRpcBasicServer.convertJsonToParameters``
reads every parameter with ``mapper.readerFor(type).with(ACCEPT_SINGLE_VALUE_AS_ARRAY)``: wherever
a Java collection is expected (a method's id or creation list, a composite criterion's
``criteria``, ``IdsSearchCriteria``'s ids, a creation's ``parentIds``, …), a single JSON value is
read as a one-element collection, at every depth and for every method. ``collection`` is that
rule; every sandbox reader of a collection-typed value goes through it.

The error helpers build the code-0 errors openBIS's ``JsonErrorResolver`` sends when Jackson
refuses a value (an unknown ``@type``, a missing ``@type``, a value of the wrong JSON kind), with
Jackson's wording (``InvalidTypeIdException``, ``MismatchedInputException``).
"""

from __future__ import annotations

from typing import Any

from .errors import OpenbisError

JACKSON_MAPPING = "com.fasterxml.jackson.databind.JsonMappingException"
JACKSON_MISMATCH = "com.fasterxml.jackson.databind.exc.MismatchedInputException"
JACKSON_INVALID_TYPE = "com.fasterxml.jackson.databind.exc.InvalidTypeIdException"
JAVA_DTO_PREFIX = "ch.ethz.sis.openbis.generic.asapi.v3.dto."
_JAVA_DSS_PREFIX = "ch.ethz.sis.openbis.generic.dssapi.v3.dto."
_ID_BASE = JAVA_DTO_PREFIX + "common.id.IObjectId"

# The ``@type`` names of openBIS's object id classes (``…v3.dto.*.id.*``, 2023 sources)
ID_TYPES = frozenset(
    (
        "as.dto.attachment.id.AttachmentFileName",
        "as.dto.authorizationgroup.id.AuthorizationGroupPermId",
        "as.dto.common.id.CreationId",
        "as.dto.common.id.ObjectIdentifier",
        "as.dto.common.id.ObjectPermId",
        "as.dto.common.id.ObjectTechId",
        "as.dto.dataset.id.BdsDirectoryStorageFormatPermId",
        "as.dto.dataset.id.ContentCopyPermId",
        "as.dto.dataset.id.DataSetPermId",
        "as.dto.dataset.id.FileFormatTypePermId",
        "as.dto.dataset.id.LocatorTypePermId",
        "as.dto.dataset.id.ProprietaryStorageFormatPermId",
        "as.dto.dataset.id.RelativeLocationLocatorTypePermId",
        "as.dto.dataset.id.StorageFormatPermId",
        "as.dto.datastore.id.DataStorePermId",
        "as.dto.deletion.id.DeletionTechId",
        "as.dto.entitytype.id.EntityTypePermId",
        "as.dto.event.id.EventTechId",
        "as.dto.experiment.id.ExperimentIdentifier",
        "as.dto.experiment.id.ExperimentPermId",
        "as.dto.externaldms.id.ExternalDmsPermId",
        "as.dto.history.id.UnknownRelatedObjectId",
        "as.dto.material.id.MaterialPermId",
        "as.dto.operation.id.OperationExecutionPermId",
        "as.dto.pat.id.PersonalAccessTokenPermId",
        "as.dto.person.id.Me",
        "as.dto.person.id.PersonPermId",
        "as.dto.plugin.id.PluginPermId",
        "as.dto.project.id.ProjectIdentifier",
        "as.dto.project.id.ProjectPermId",
        "as.dto.property.id.PropertyAssignmentPermId",
        "as.dto.property.id.PropertyTypePermId",
        "as.dto.query.id.QueryDatabaseName",
        "as.dto.query.id.QueryName",
        "as.dto.query.id.QueryTechId",
        "as.dto.roleassignment.id.RoleAssignmentTechId",
        "as.dto.sample.id.SampleIdentifier",
        "as.dto.sample.id.SamplePermId",
        "as.dto.semanticannotation.id.SemanticAnnotationPermId",
        "as.dto.service.id.CustomASServiceCode",
        "as.dto.service.id.DssServicePermId",
        "as.dto.session.id.SessionInformationPermId",
        "as.dto.space.id.SpacePermId",
        "as.dto.space.id.SpaceTechId",
        "as.dto.tag.id.TagCode",
        "as.dto.tag.id.TagPermId",
        "as.dto.vocabulary.id.VocabularyPermId",
        "as.dto.vocabulary.id.VocabularyTermPermId",
        "dss.dto.datasetfile.id.DataSetFilePermId",
    )
)


def collection(value: Any) -> list[Any] | None:
    """A collection-typed JSON value as Jackson reads it with ACCEPT_SINGLE_VALUE_AS_ARRAY.

    ``null`` stays ``None`` (a null collection), an array is itself, and any other single
    value (an object, a string, a number) becomes a one-element list.
    """
    if value is None:
        return None
    if isinstance(value, list):
        return value
    return [value]


def java_name(type_id: str) -> str:
    """The Java class behind a ``@type`` id: ``as.dto.…`` → ``ch.ethz.sis.openbis…v3.dto.…``."""
    if type_id.startswith("as.dto."):
        return JAVA_DTO_PREFIX + type_id[len("as.dto.") :]
    if type_id.startswith("dss.dto."):
        return _JAVA_DSS_PREFIX + type_id[len("dss.dto.") :]
    return type_id


def token_name(value: Any) -> str:
    """Jackson's name of the JSON token a value starts with (``START_OBJECT``, …)."""
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if value is None:
        return "VALUE_NULL"
    return "VALUE_STRING"


def unknown_type(type_id: Any, base_type: str) -> OpenbisError:
    """An ``@type`` that names no subclass of ``base_type`` (a Java class name)."""
    return OpenbisError(
        "Could not deserialize object. Attempt of deserialization with type failed with: "
        f"{JACKSON_INVALID_TYPE}: Could not resolve type id '{type_id}' as a subtype of "
        f"[simple type, class {base_type}]: known type ids = [...]",  # (I) the list
        JACKSON_MAPPING,
    )


def missing_type(base_type: str) -> OpenbisError:
    """A polymorphic value (criteria, ids, field values) without ``@type``."""
    return OpenbisError(
        "Could not deserialize object. Attempt of deserialization with type failed with: "
        f"{JACKSON_MAPPING}: Cannot deserialize a polymorphic type without type information "
        "Attempt of deserialization without type failed with: "
        "com.fasterxml.jackson.databind.exc.InvalidDefinitionException: Cannot construct "
        f"instance of `{base_type}` (no Creators, like default construct, exist): abstract "
        "types either need to be mapped to concrete types, have custom deserializer, or "
        "contain additional type information",  # (I) the tail
        JACKSON_MAPPING,
    )


def mismatch(value: Any, java_type: str, where: str = "") -> OpenbisError:
    """A JSON value of the wrong kind for ``java_type`` (e.g. an array for a String)."""
    chain = f" (through reference chain: {where})" if where else ""
    return OpenbisError(
        f"Cannot deserialize instance of `{java_type}` out of {token_name(value)} token\n"
        f" at [Source: UNKNOWN; line: -1, column: -1]{chain}",
        JACKSON_MISMATCH,
    )


def not_a_bean(value: Any, where: str = "") -> OpenbisError:
    """A non-object JSON value where openBIS expects a bean.

    openBIS's mapper reads a string or a number in a bean position as an ``@id``
    back-reference to an earlier bean of the request: a string is not a valid id, and a
    number that refers to nothing is read as null, which the service then refuses.
    """
    if isinstance(value, str):
        chain = f" (through reference chain: {where})" if where else ""
        return OpenbisError(
            f'Cannot deserialize value of type `java.lang.Integer` from String "{value}": '
            f"not a valid Integer value at [Source: UNKNOWN; line: -1, column: -1]{chain}",
            "com.fasterxml.jackson.databind.exc.InvalidFormatException",
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool) or value is None:
        return OpenbisError(f"Unresolved object reference: {value} (read as null)")  # (I)
    return mismatch(value, "java.lang.Object", where)


def check_id(value: Any, where: str = "") -> dict[str, Any]:
    """An object id bean (``SamplePermId``, …) as openBIS's mapper reads it, else its error."""
    if not isinstance(value, dict):
        raise not_a_bean(value, where)
    type_id = value.get("@type")
    if type_id is None:
        raise missing_type(_ID_BASE)
    if type_id not in ID_TYPES:
        raise unknown_type(type_id, _ID_BASE)
    return value
