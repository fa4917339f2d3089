-- Dispositions (ledger concern, V1-V19): one current disposition per target, replaced only explicitly.
-- meaning_code: the controlled meaning (visionhub.ledger.signatures.meanings) the signer chose; meaning keeps its
--   text as printed. revision: position in the target's history (1 = first); UNIQUE, so two signers racing for
--   the same target cannot both add one. supersedes_id + supersede_reason: the disposition this one replaces and
--   why; UNIQUE, so a disposition is replaced once. request_id: the client's idempotency key, UNIQUE per user,
--   so a replayed request returns the signature it made instead of a second one.
-- Rows of older versions have no revision: the latest of a target is its current one.
ALTER TABLE disposition ADD COLUMN meaning_code VARCHAR(64);
ALTER TABLE disposition ADD COLUMN revision INT;
ALTER TABLE disposition ADD COLUMN supersedes_id VARCHAR(36);
ALTER TABLE disposition ADD COLUMN supersede_reason VARCHAR(2000);
ALTER TABLE disposition ADD COLUMN request_id VARCHAR(100);
CREATE UNIQUE INDEX uq_disposition_revision ON disposition (target_type, target_id, revision);
CREATE UNIQUE INDEX uq_disposition_supersedes ON disposition (supersedes_id);
CREATE UNIQUE INDEX uq_disposition_request ON disposition (user_name, request_id);
