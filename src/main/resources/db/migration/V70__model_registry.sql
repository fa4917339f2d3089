-- Vision concern, model registry (V70-V71): uploaded model versions, their signed approvals and the signed
-- promotions and rollbacks of station champions. Each row is written with its ledger record (MODEL_UPLOADED,
-- MODEL_APPROVED, MODEL_PROMOTED, MODEL_ROLLED_BACK) in one transaction and never changed (V71: append-only).

-- One uploaded model version: its files live in the registry folder (visionhub.vision.registry.dir)/name/version.
CREATE TABLE model_version (
    name         VARCHAR(100)  NOT NULL,
    version      VARCHAR(100)  NOT NULL,
    kind         VARCHAR(20)   NOT NULL,
    sha256       VARCHAR(64)   NOT NULL,
    size_bytes   BIGINT        NOT NULL,
    location     VARCHAR(1000) NOT NULL,
    ledger_seq   BIGINT        NOT NULL UNIQUE,
    uploaded_by  VARCHAR(200)  NOT NULL,
    uploaded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);

-- The e-signed approval of a model version (change control, 21 CFR 11.10(k)); at most one per version.
CREATE TABLE model_approval (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    ledger_seq     BIGINT        NOT NULL UNIQUE,
    name           VARCHAR(100)  NOT NULL,
    version        VARCHAR(100)  NOT NULL,
    sha256         VARCHAR(64)   NOT NULL,
    user_name      VARCHAR(200)  NOT NULL,
    printed_name   VARCHAR(200)  NOT NULL,
    meaning        VARCHAR(200)  NOT NULL,
    meaning_code   VARCHAR(64)   NOT NULL,
    reason         VARCHAR(2000) NOT NULL,
    signed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_hash VARCHAR(64)   NOT NULL,
    CONSTRAINT uq_model_approval_version UNIQUE (name, version),
    CONSTRAINT fk_model_approval_version FOREIGN KEY (name, version) REFERENCES model_version (name, version)
);

-- E-signed changes of a station's champion: PROMOTED (name, version become the champion) or ROLLED_BACK (the
-- champion before the current one returns; name and version null: the route's own model).
CREATE TABLE model_promotion (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    ledger_seq     BIGINT        NOT NULL UNIQUE,
    station        VARCHAR(200)  NOT NULL,
    action         VARCHAR(20)   NOT NULL,
    name           VARCHAR(100),
    version        VARCHAR(100),
    sha256         VARCHAR(64),
    replaced_name    VARCHAR(100),
    replaced_version VARCHAR(100),
    user_name      VARCHAR(200)  NOT NULL,
    printed_name   VARCHAR(200)  NOT NULL,
    meaning        VARCHAR(200)  NOT NULL,
    meaning_code   VARCHAR(64)   NOT NULL,
    reason         VARCHAR(2000) NOT NULL,
    signed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_hash VARCHAR(64)   NOT NULL
);
CREATE INDEX ix_model_promotion_station ON model_promotion (station, ledger_seq);
