-- Enterprise concern (V30-V39): one audit record for a bulk retry (POST /api/outbox/retry).
-- A bulk record names no single row (outbox_id NULL); it keeps the filter it was given (JSON), how many rows it
-- moved from PARKED to PENDING, and the lowest and highest row id it moved.
ALTER TABLE enterprise_outbox_audit ALTER COLUMN outbox_id DROP NOT NULL;
ALTER TABLE enterprise_outbox_audit ADD COLUMN filter_json VARCHAR(1000);
ALTER TABLE enterprise_outbox_audit ADD COLUMN row_count INT;
ALTER TABLE enterprise_outbox_audit ADD COLUMN first_outbox_id BIGINT;
ALTER TABLE enterprise_outbox_audit ADD COLUMN last_outbox_id BIGINT;
