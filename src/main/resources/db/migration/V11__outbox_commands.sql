-- The commands of each outbox row, kept apart from the row's delivery state. A row of a batch sync holds up to a
-- thousand commands (hundreds of KB); the dispatcher changes its state three or four times (lease, renewal, done),
-- and in H2's copy-on-write pages each change rewrote the commands with it, and each scan for due rows read them.
-- Written once, read once when the row is claimed, removed with the row. Runs unchanged on H2 (PostgreSQL mode)
-- and PostgreSQL.
CREATE TABLE outbox_commands (
    outbox_id  BIGINT PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    commands   TEXT NOT NULL
);
INSERT INTO outbox_commands (outbox_id, commands) SELECT id, commands FROM outbox;
ALTER TABLE outbox DROP COLUMN commands;
