"""SQLite schema of the sandbox store: every table a new data dir gets.

A change to it bumps ``SCHEMA_VERSION`` and adds one step to ``migrate.UPGRADES`` that
brings a data dir of the previous version up to date (``migrate.open_schema``).
Version 2 added the persons' home space and web-app settings, the property types' sample
type and metadata, the assignments' plugin, and the tables from ``authorization_groups``
on (groups, role assignments, plugins, tags, the trash, archiving flags, containers).
Version 3 added ``dataset_files``: each data-set file's length and CRC32, recorded at
registration (``file_checksums``).
"""

SCHEMA_VERSION = 3

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    user_id TEXT PRIMARY KEY, password TEXT, first_name TEXT, last_name TEXT, email TEXT,
    registration_ms INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1,
    space TEXT, webapp_settings TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES persons(user_id),
    created_ms INTEGER NOT NULL, last_access_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pats (
    hash TEXT PRIMARY KEY, owner TEXT NOT NULL REFERENCES persons(user_id),
    session_name TEXT NOT NULL, valid_from_ms INTEGER NOT NULL, valid_to_ms INTEGER NOT NULL,
    registrator TEXT NOT NULL, modifier TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL, access_ms INTEGER);
CREATE TABLE IF NOT EXISTS spaces (
    tech_id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE, description TEXT,
    registrator TEXT NOT NULL, registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    perm_id TEXT PRIMARY KEY, code TEXT NOT NULL,
    space TEXT NOT NULL REFERENCES spaces(code), description TEXT,
    registrator TEXT NOT NULL, modifier TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL,
    UNIQUE (space, code));
CREATE TABLE IF NOT EXISTS vocabularies (
    code TEXT PRIMARY KEY, description TEXT, registrator TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL,
    managed_internally INTEGER NOT NULL DEFAULT 0, chosen_from_list INTEGER NOT NULL DEFAULT 1,
    url_template TEXT);
CREATE TABLE IF NOT EXISTS terms (
    vocabulary TEXT NOT NULL REFERENCES vocabularies(code), code TEXT NOT NULL,
    label TEXT, description TEXT, ordinal INTEGER NOT NULL, official INTEGER NOT NULL DEFAULT 1,
    registrator TEXT NOT NULL, registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL,
    PRIMARY KEY (vocabulary, code));
CREATE TABLE IF NOT EXISTS property_types (
    code TEXT PRIMARY KEY, label TEXT NOT NULL, description TEXT NOT NULL,
    data_type TEXT NOT NULL, vocabulary TEXT REFERENCES vocabularies(code),
    managed_internally INTEGER NOT NULL DEFAULT 0, registrator TEXT,
    registration_ms INTEGER NOT NULL, multi_value INTEGER NOT NULL DEFAULT 0,
    sample_type TEXT, meta_data TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS entity_types (
    kind TEXT NOT NULL, code TEXT NOT NULL, description TEXT,
    modification_ms INTEGER NOT NULL, options TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (kind, code));
CREATE TABLE IF NOT EXISTS assignments (
    kind TEXT NOT NULL, type_code TEXT NOT NULL,
    property_code TEXT NOT NULL REFERENCES property_types(code),
    section TEXT, ordinal INTEGER NOT NULL, mandatory INTEGER NOT NULL DEFAULT 0,
    show_in_edit_view INTEGER NOT NULL DEFAULT 1,
    show_raw_value_in_forms INTEGER NOT NULL DEFAULT 0,
    registrator TEXT, registration_ms INTEGER NOT NULL, plugin TEXT,
    PRIMARY KEY (kind, type_code, property_code),
    FOREIGN KEY (kind, type_code) REFERENCES entity_types(kind, code));
CREATE TABLE IF NOT EXISTS experiments (
    perm_id TEXT PRIMARY KEY, code TEXT NOT NULL,
    project_perm_id TEXT NOT NULL REFERENCES projects(perm_id), type_code TEXT NOT NULL,
    registrator TEXT NOT NULL, modifier TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL,
    UNIQUE (project_perm_id, code));
CREATE TABLE IF NOT EXISTS samples (
    perm_id TEXT PRIMARY KEY, code TEXT NOT NULL, space TEXT REFERENCES spaces(code),
    project_perm_id TEXT REFERENCES projects(perm_id),
    experiment_perm_id TEXT REFERENCES experiments(perm_id), type_code TEXT NOT NULL,
    registrator TEXT NOT NULL, modifier TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    perm_id TEXT PRIMARY KEY, kind TEXT NOT NULL, type_code TEXT NOT NULL,
    sample_perm_id TEXT REFERENCES samples(perm_id),
    experiment_perm_id TEXT REFERENCES experiments(perm_id),
    size INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'AVAILABLE',
    registrator TEXT NOT NULL, modifier TEXT NOT NULL,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL, access_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS properties (
    entity_kind TEXT NOT NULL, perm_id TEXT NOT NULL, code TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (entity_kind, perm_id, code));
CREATE TABLE IF NOT EXISTS sample_links (
    parent TEXT NOT NULL REFERENCES samples(perm_id),
    child TEXT NOT NULL REFERENCES samples(perm_id),
    ordinal INTEGER NOT NULL, PRIMARY KEY (parent, child));
CREATE TABLE IF NOT EXISTS dataset_links (
    parent TEXT NOT NULL REFERENCES datasets(perm_id),
    child TEXT NOT NULL REFERENCES datasets(perm_id),
    ordinal INTEGER NOT NULL, PRIMARY KEY (parent, child));
CREATE TABLE IF NOT EXISTS authorization_groups (
    code TEXT PRIMARY KEY, description TEXT, registrator TEXT,
    registration_ms INTEGER NOT NULL, modification_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS authorization_group_users (
    group_code TEXT NOT NULL REFERENCES authorization_groups(code) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES persons(user_id),
    ordinal INTEGER NOT NULL, PRIMARY KEY (group_code, user_id));
CREATE TABLE IF NOT EXISTS role_assignments (
    tech_id INTEGER PRIMARY KEY AUTOINCREMENT, role TEXT NOT NULL,
    user_id TEXT REFERENCES persons(user_id),
    group_code TEXT REFERENCES authorization_groups(code) ON DELETE CASCADE,
    space TEXT, project_perm_id TEXT, registrator TEXT, registration_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS plugins (
    name TEXT PRIMARY KEY, description TEXT, plugin_type TEXT NOT NULL, entity_kind TEXT,
    script TEXT, available INTEGER NOT NULL DEFAULT 1, registrator TEXT,
    registration_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tags (
    perm_id TEXT PRIMARY KEY, code TEXT NOT NULL, owner TEXT NOT NULL,
    description TEXT, registration_ms INTEGER NOT NULL, UNIQUE (owner, code));
CREATE TABLE IF NOT EXISTS entity_tags (
    entity_kind TEXT NOT NULL, perm_id TEXT NOT NULL,
    tag TEXT NOT NULL REFERENCES tags(perm_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, PRIMARY KEY (entity_kind, perm_id, tag));
CREATE TABLE IF NOT EXISTS deletions (
    tech_id INTEGER PRIMARY KEY AUTOINCREMENT, reason TEXT NOT NULL,
    registrator TEXT NOT NULL, registration_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trash (
    deletion_id INTEGER NOT NULL REFERENCES deletions(tech_id), seq INTEGER NOT NULL,
    entity_kind TEXT NOT NULL, perm_id TEXT NOT NULL, original INTEGER NOT NULL,
    identifier TEXT NOT NULL, type_code TEXT NOT NULL, space TEXT, project_perm_id TEXT,
    payload TEXT NOT NULL, PRIMARY KEY (deletion_id, seq));
CREATE TABLE IF NOT EXISTS physical_data (
    perm_id TEXT PRIMARY KEY REFERENCES datasets(perm_id) ON DELETE CASCADE,
    present_in_archive INTEGER NOT NULL DEFAULT 0,
    archiving_requested INTEGER NOT NULL DEFAULT 0,
    unarchiving_requested INTEGER NOT NULL DEFAULT 0,
    pending_target TEXT, pending_until_ms INTEGER);
CREATE TABLE IF NOT EXISTS dataset_components (
    container TEXT NOT NULL REFERENCES datasets(perm_id),
    component TEXT NOT NULL REFERENCES datasets(perm_id),
    ordinal INTEGER NOT NULL, PRIMARY KEY (container, component));
CREATE TABLE IF NOT EXISTS dataset_files (
    perm_id TEXT NOT NULL REFERENCES datasets(perm_id) ON DELETE CASCADE,
    path TEXT NOT NULL, length INTEGER NOT NULL, crc32 INTEGER NOT NULL,
    PRIMARY KEY (perm_id, path));
"""
