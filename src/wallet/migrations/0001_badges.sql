-- Badges with their original bytes, and the learner's identities.
CREATE TABLE badge (
    id            INTEGER PRIMARY KEY,
    dedup_key     TEXT NOT NULL UNIQUE,
    original      BLOB NOT NULL,
    media_type    TEXT NOT NULL,
    raw_text      TEXT NOT NULL,
    payload_kind  TEXT NOT NULL,
    fetched       TEXT,
    details       TEXT NOT NULL CHECK (details IN ('complete', 'awaiting')),
    details_error TEXT,
    credential    TEXT NOT NULL,
    name          TEXT,
    issuer_name   TEXT,
    issued_on     TEXT,
    expires       TEXT,
    recipient     TEXT,
    ob_version    TEXT,
    hosted_url    TEXT,
    source        TEXT NOT NULL,
    imported_at   TEXT NOT NULL
) STRICT;
CREATE INDEX badge_hosted_url ON badge(hosted_url);
CREATE TABLE identity (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('email', 'url', 'telephone')),
    value    TEXT NOT NULL COLLATE NOCASE,
    added_at TEXT NOT NULL,
    UNIQUE (kind, value)
) STRICT;
