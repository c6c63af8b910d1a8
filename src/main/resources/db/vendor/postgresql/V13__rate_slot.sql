-- The shared call slots serve HubSpot's budget too (bucket 'HUBSPOT'), not only Brevo's: the table is named for what
-- it holds. PostgreSQL only, as V12.
ALTER TABLE brevo_rate_slot RENAME TO rate_slot;
