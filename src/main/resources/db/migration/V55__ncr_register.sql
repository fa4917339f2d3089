-- Quality concern, NCR/CAPA (V55-V57): the non-conformance register. Each row is written with its ledger record
-- (NCR_OPENED, NCR_ITEM_ADDED, NCR_CLOSED) in one transaction and never changed: an NCR is closed by a close row.

-- One non-conformance per production order and defect class (while it is open).
CREATE TABLE ncr (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    ledger_seq       BIGINT       NOT NULL UNIQUE,
    line             VARCHAR(200),
    station          VARCHAR(200),
    production_order VARCHAR(200) NOT NULL,
    defect_class     VARCHAR(200) NOT NULL,
    product          VARCHAR(200),
    batch            VARCHAR(200),
    trigger_kind     VARCHAR(32)  NOT NULL,
    trigger_detail   VARCHAR(2000) NOT NULL,
    target           VARCHAR(100),
    opened_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_ncr_line_opened ON ncr (line, opened_at);
CREATE INDEX ix_ncr_order_class ON ncr (production_order, defect_class);

-- The parts of an NCR, numbered from 1 in the order they were added.
CREATE TABLE ncr_item (
    ncr_id        VARCHAR(36)  NOT NULL REFERENCES ncr (id),
    item_no       INT          NOT NULL,
    ledger_seq    BIGINT       NOT NULL UNIQUE,
    inspection_id VARCHAR(36)  NOT NULL,
    added_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (ncr_id, item_no),
    CONSTRAINT uq_ncr_item_inspection UNIQUE (ncr_id, inspection_id)
);

-- The signed closure of an NCR (at most one).
CREATE TABLE ncr_close (
    ncr_id         VARCHAR(36)  NOT NULL PRIMARY KEY REFERENCES ncr (id),
    ledger_seq     BIGINT       NOT NULL UNIQUE,
    user_name      VARCHAR(200) NOT NULL,
    printed_name   VARCHAR(200) NOT NULL,
    meaning        VARCHAR(200) NOT NULL,
    reason         VARCHAR(2000) NOT NULL,
    closed_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Outbox rows that must be delivered in order within a group (an NCR's document, then its items): a row is due
-- only when no older PENDING row of its group waits. NULL: no group (every other delivery).
ALTER TABLE outbox ADD COLUMN ordering_key VARCHAR(200);
CREATE INDEX ix_outbox_ordering ON outbox (ordering_key, status);
