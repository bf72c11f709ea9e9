-- A cancel asked of a running run (POST /api/runs/{runId}/cancel), on whichever instance took the
-- request: the run's owner reads it from here (timer route check-cancel-requests) and stops the run at
-- its next step. cancel_requested_at is the first request's time (a second request changes nothing but
-- may add cancel_job); cancel_job asks a training-monitor to cancel the job it watches too;
-- cancel_requested_by is the instance that took the request. The same SQL runs on H2 and PostgreSQL.
ALTER TABLE runs ADD COLUMN cancel_requested_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN cancel_job BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE runs ADD COLUMN cancel_requested_by VARCHAR(300);
