-- Ledger (V1-V19): a per-record authentication code. mac = HMAC-SHA256 (hex) of the record's leaf hash, keyed with
-- a secret kept in the signing keystore outside the database (RecordMac). A row inserted by anyone but the hub, even
-- with a correct leaf hash and matching inspection rows, has no valid MAC: the verifier names it, and the writer
-- refuses to sign a head over it. Rows written before this column existed keep NULL (legacy, covered by heads only).
ALTER TABLE ledger_leaf ADD COLUMN mac VARCHAR(64);
