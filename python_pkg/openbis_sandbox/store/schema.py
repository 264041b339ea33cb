"""SQLite schema of the sandbox store. Bump ``SCHEMA_VERSION`` on incompatible changes."""

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    user_id TEXT PRIMARY KEY, password TEXT, first_name TEXT, last_name TEXT, email TEXT,
    registration_ms INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
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
    registration_ms INTEGER NOT NULL, multi_value INTEGER NOT NULL DEFAULT 0);
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
    registrator TEXT, registration_ms INTEGER NOT NULL,
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
"""
