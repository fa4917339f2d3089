-- SPC quality alarms (quality concern, SPC/alarms: V50-V52). Each raise and each clear is a ledger record of type
-- QUALITY_ALARM written in the same transaction as the row change here: the raise inserts the row, the clear (rules
-- back in control, or a person's acknowledgement) sets cleared_*. Not append-only: the ledger holds the history.
CREATE TABLE quality_alarm (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    ledger_seq       BIGINT        NOT NULL UNIQUE,
    rule             VARCHAR(32)   NOT NULL,
    severity         VARCHAR(8)    NOT NULL,
    line             VARCHAR(200),
    station          VARCHAR(200),
    defect_class     VARCHAR(200),
    chart            VARCHAR(8)    NOT NULL,
    message          VARCHAR(2000) NOT NULL,
    raised_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    cleared_at       TIMESTAMP WITH TIME ZONE,
    cleared_by       VARCHAR(200),
    clear_reason     VARCHAR(2000),
    clear_ledger_seq BIGINT,
    CONSTRAINT ck_quality_alarm_severity CHECK (severity IN ('HIGH', 'MEDIUM', 'LOW'))
);
CREATE INDEX ix_quality_alarm_line_raised ON quality_alarm (line, raised_at);
CREATE INDEX ix_quality_alarm_raised ON quality_alarm (raised_at);
