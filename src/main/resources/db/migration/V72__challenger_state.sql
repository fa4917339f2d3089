-- Vision concern, champion–challenger (V72-V74): what a station's challenger has done, so that its figures survive
-- a restart of the hub. Working state, not records: rows are updated and trimmed (never append-only); the champion's
-- inspections stay in the ledger, these rows only name them.

-- One challenger run: a station's challenger model folder, its counters and last error.
CREATE TABLE challenger_run (
    station     VARCHAR(200)  NOT NULL,
    location    VARCHAR(1000) NOT NULL,
    offered     BIGINT        NOT NULL,
    compared    BIGINT        NOT NULL,
    agreed      BIGINT        NOT NULL,
    skipped     BIGINT        NOT NULL,
    failed      BIGINT        NOT NULL,
    last_error  VARCHAR(2000),
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (station, location)
);

-- One frame judged by both models (the latest keepOutcomes per run are kept, for the confusion against
-- dispositions); seq is the run's compared count when it was judged. The disagreement columns are set only when
-- the verdicts differ.
CREATE TABLE challenger_outcome (
    station            VARCHAR(200)  NOT NULL,
    location           VARCHAR(1000) NOT NULL,
    seq                BIGINT        NOT NULL,
    inspection_id      VARCHAR(64)   NOT NULL,
    champion_name      VARCHAR(100),
    champion_version   VARCHAR(100),
    champion_sha256    VARCHAR(64),
    champion_kind      VARCHAR(20),
    champion_said      VARCHAR(16)   NOT NULL,
    challenger_name    VARCHAR(100),
    challenger_version VARCHAR(100),
    challenger_sha256  VARCHAR(64),
    challenger_kind    VARCHAR(20),
    challenger_said    VARCHAR(16)   NOT NULL,
    part_id            VARCHAR(200),
    capture_time       TIMESTAMP WITH TIME ZONE,
    image_sha256       VARCHAR(64),
    image_uri          VARCHAR(1000),
    champion_score     DOUBLE PRECISION,
    challenger_score   DOUBLE PRECISION,
    challenger_defects VARCHAR(2000),
    PRIMARY KEY (station, location, seq)
);

-- The challenger a station runs when it was set through /api/models/challengers/{station} (instead of the route's
-- challenger option): kept across restarts until it is stopped.
CREATE TABLE model_challenger (
    station   VARCHAR(200)  NOT NULL PRIMARY KEY,
    name      VARCHAR(100)  NOT NULL,
    version   VARCHAR(100)  NOT NULL,
    location  VARCHAR(1000) NOT NULL,
    set_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
