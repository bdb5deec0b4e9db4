-- A credential that shares its id (or hosted URL) with one already in the
-- wallet but says something else is kept beside it, under the key of its
-- content, since `dedup_key` stays unique. The key that names a credential
-- (its id, else its hosted URL, else its content) gets a column of its own,
-- which such copies share. Every badge so far was stored under that key.
ALTER TABLE badge ADD COLUMN credential_key TEXT;
UPDATE badge SET credential_key = dedup_key;
CREATE INDEX badge_credential_key ON badge(credential_key);
