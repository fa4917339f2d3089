-- Dispositions and e-signatures: each is a ledger record (type DISPOSITION) pointing to what it disposes;
-- the original inspection is never changed. Append-only (trigger in V4).
CREATE TABLE disposition (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    ledger_seq      BIGINT       NOT NULL UNIQUE,
    target_type     VARCHAR(16)  NOT NULL,
    target_id       VARCHAR(200) NOT NULL,
    target_hash     VARCHAR(64)  NOT NULL,
    target_count    INT          NOT NULL,
    disposition     VARCHAR(16)  NOT NULL,
    reason          VARCHAR(2000) NOT NULL,
    meaning         VARCHAR(200) NOT NULL,
    user_name       VARCHAR(200) NOT NULL,
    printed_name    VARCHAR(200) NOT NULL,
    signed_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_hash  VARCHAR(64)  NOT NULL,
    CONSTRAINT ck_disposition_target CHECK (target_type IN ('INSPECTION', 'LOT')),
    CONSTRAINT ck_disposition_value CHECK (disposition IN ('ACCEPT', 'REJECT', 'REWORK', 'USE_AS_IS'))
);
CREATE INDEX ix_disposition_target ON disposition (target_type, target_id);
