-- The API profile a run was started on (cognigy.api.profile: seeds or cognigy-v2, docs/contract.md#durable-runs).
-- A run's request and saved state are those of its profile: an instance of the other profile that claims it
-- (a rolling update that changed the profile) does not go on with it, it ends it FAILED PRECONDITION_FAILED.
-- NULL for the rows written before this column: they are gone on with as before. The same SQL on H2 and PostgreSQL.
ALTER TABLE runs ADD COLUMN api_profile VARCHAR(32);
