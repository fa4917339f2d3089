-- Enterprise concern (V30-V39): what a retry of an outbox row must know, kept across retries and restarts.

-- may_have_reached: set when a row is first claimed for delivery (before anything is sent) and never cleared,
-- not even by POST /api/outbox/{id}/retry: from then on every attempt looks the document up before creating
-- it. Rows of older versions that were ever attempted (attempts, an error, or not PENDING) count as reached.
ALTER TABLE outbox ADD COLUMN may_have_reached BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE outbox SET may_have_reached = TRUE WHERE attempts > 0 OR last_error IS NOT NULL OR status <> 'PENDING';

-- external_reference: the short reference sent in the target's lookup field (delivery.reference20), made once
-- per row from 90 random bits when the row is first claimed, stored so every retry sends the same one.
-- legacy_reference: rows made before V31 keep the reference they may already have been sent with (derived
-- from the delivery key, see DeliveryInput.legacyReference20); rows made from now on get the random one.
ALTER TABLE outbox ADD COLUMN external_reference VARCHAR(40);
ALTER TABLE outbox ADD COLUMN legacy_reference BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE outbox ALTER COLUMN legacy_reference SET DEFAULT FALSE;
