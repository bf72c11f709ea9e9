-- The run store (docs/contract.md#durable-runs): one row per accepted run, from the request to the
-- result. The same SQL runs on the embedded H2 (in PostgreSQL mode) and on PostgreSQL.
--
-- run_id is the requestId ledger: a run id is derived from its requestId, so two instances cannot
-- both insert one. owner (node#incarnation) holds the run until lease_until; fence grows by one each
-- time the run is claimed, and every write of a run names the fence it holds, so an instance that
-- lost its lease cannot overwrite the new owner's checkpoint.
CREATE TABLE runs (
    run_id        VARCHAR(200)  NOT NULL PRIMARY KEY,
    request_id    VARCHAR(200),
    operation     VARCHAR(64)   NOT NULL,
    trigger_name  VARCHAR(32)   NOT NULL,
    source        VARCHAR(2000),
    request       TEXT          NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    phase         VARCHAR(64),
    state         TEXT,
    checkpoints   BIGINT        NOT NULL,
    owner_node    VARCHAR(200)  NOT NULL,
    owner         VARCHAR(300)  NOT NULL,
    fence         BIGINT        NOT NULL,
    lease_until   TIMESTAMP WITH TIME ZONE NOT NULL,
    result        TEXT,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE
);

-- the claim loop looks for running runs whose lease has lapsed
CREATE INDEX runs_status_lease ON runs (status, lease_until);
CREATE INDEX runs_owner ON runs (owner, status);
