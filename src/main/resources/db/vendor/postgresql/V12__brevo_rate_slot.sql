-- Brevo's rate limits are per API key: on PostgreSQL every node takes its call slots from one row per bucket, so N
-- nodes together keep to the published rate (the embedded store has one node, which paces itself in memory).
-- next_free_us: the database clock's microseconds from which the bucket's next call may go.
CREATE TABLE brevo_rate_slot (
    bucket       VARCHAR(20) PRIMARY KEY,
    next_free_us BIGINT      NOT NULL
);
