-- What each running dispatcher last knew of its Brevo circuit breaker, for `tajo connectors status` and /status.
-- A row per process (the outbox's lease owner id, pid first); written at start and on each state change,
-- removed on a clean stop. Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
CREATE TABLE brevo_circuit (
    node       VARCHAR(80) PRIMARY KEY,
    state      VARCHAR(20) NOT NULL,   -- CLOSED | OPEN | HALF_OPEN | FORCED_OPEN | DRY_RUN
    updated_at BIGINT      NOT NULL
);
