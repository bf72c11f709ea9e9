-- What several instances on one store must agree on besides the runs (docs/contract.md#durable-runs).
-- The same SQL runs on the embedded H2 (in PostgreSQL mode) and on PostgreSQL.

-- One flow-deploy at a time per target environment, on every instance (docs/contract.md#flow-deploy).
-- A row is the environment's lock: the run that holds it and the instance (node#incarnation) that
-- claimed it last. Claiming is inserting; a unique violation means another run holds it. A lock whose
-- run is no longer RUNNING in runs (it finished, or its row is gone) is stale: the next claim takes it
-- over. A RUNNING run whose lease has lapsed still holds its lock: it is resumed, and takes it back.
CREATE TABLE environment_locks (
    environment   VARCHAR(200)  NOT NULL PRIMARY KEY,
    run_id        VARCHAR(200)  NOT NULL,
    owner         VARCHAR(300)  NOT NULL,
    acquired_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The dropped files being read, for instances that share an inbox folder: the file route's read lock
-- (Camel's idempotent-changed read lock on dev.cognigyops.store.InboxClaims). A row is one file
-- (claim_key: its path relative to the inbox) taken by one instance, from before it is read until it
-- has moved out of the inbox. The owner's heartbeat keeps lease_until ahead; a claim whose lease has
-- lapsed, or that an earlier life of the same node left, is stale and the next claim takes it over.
CREATE TABLE inbox_claims (
    claim_key     VARCHAR(400)  NOT NULL PRIMARY KEY,
    owner_node    VARCHAR(200)  NOT NULL,
    owner         VARCHAR(300)  NOT NULL,
    claimed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX inbox_claims_owner ON inbox_claims (owner);
