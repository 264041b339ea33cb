"""The ``fresh`` seed: what a newly installed openBIS with the ELN-LIMS core plugin holds,
on top of the masterdata every seed gets (which already has the ``DEFAULT`` space, project
and experiment, ``seed_masterdata``).

* The default object ``/DEFAULT/DEFAULT/DEFAULT`` (type ``UNKNOWN``, in the default
  experiment). pybis's own tests register data sets to it (``test_dataset.py``; SPEC §11:
  "they expect the default instance content: /DEFAULT/DEFAULT/DEFAULT"). Which installer
  step creates it is (I): the ELN-LIMS master data is imported by
  ``eln-lims/1/as/initialize-master-data.py`` from ``common-data-model.xls`` and
  ``single-group-data-model.xls`` (binary sheets, not read here).
* The entity-validation plugins that this import registers: the sheets name each script
  ``<TYPE>.<script>`` and attach it to the type (``DEFAULT_EXPERIMENT.date_range_validation``
  and ``EXPERIMENTAL_STEP.date_range_validation``, as ELN-LIMS master data exported with
  pybis shows; ``STORAGE_POSITION.storage_position_validation`` from
  ``eln-lims/1/as/master-data/scripts/storage_position_validation.py``). Their script
  bodies here are placeholders (I); the sandbox never runs plugins.
"""

from __future__ import annotations

import sqlite3

from .inserts import insert_sample
from .masterdata import BASE_MS, SYSTEM

ELN_PLUGINS = (
    ("DEFAULT_EXPERIMENT.date_range_validation", "EXPERIMENT"),
    ("EXPERIMENTAL_STEP.date_range_validation", "SAMPLE"),
    ("STORAGE_POSITION.storage_position_validation", "SAMPLE"),
)
_PLACEHOLDER_SCRIPT = "def validate(entity, isNew):\n    pass  # openbis-sandbox: not run\n"


def seed_fresh(conn: sqlite3.Connection) -> None:
    ms = BASE_MS
    project, experiment = conn.execute(
        "SELECT e.project_perm_id, e.perm_id FROM experiments e JOIN projects p "
        "ON p.perm_id = e.project_perm_id WHERE p.space = 'DEFAULT' AND p.code = 'DEFAULT' "
        "AND e.code = 'DEFAULT'"
    ).fetchone()
    insert_sample(conn, "DEFAULT", project, experiment, "DEFAULT", "UNKNOWN", SYSTEM, ms, {})
    conn.executemany(
        "INSERT INTO plugins(name, description, plugin_type, entity_kind, script, available, "
        "registrator, registration_ms) VALUES (?, NULL, 'ENTITY_VALIDATION', ?, ?, 1, ?, ?)",
        [(name, kind, _PLACEHOLDER_SCRIPT, SYSTEM, ms) for name, kind in ELN_PLUGINS],
    )
