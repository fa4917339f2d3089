-- Cluster (io.visionhub.cluster owns V60-V69). Several hubs on one PostgreSQL database; see docs/cluster.md.

-- Who may inspect a station now: one row per station. A node holds the lease while expires_at (epoch
-- milliseconds on the DATABASE's clock, so node clocks do not matter) is in the future; each takeover by
-- another node increases token (the fencing token). A node that lost its lease cannot append for the station:
-- every ledger append of a station inserts a station_append row whose token comes from this table (below).
CREATE TABLE station_lease (
    station     VARCHAR(200) NOT NULL PRIMARY KEY,
    owner       VARCHAR(200) NOT NULL,
    token       BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    acquired_at BIGINT       NOT NULL
);

-- One row per ledger record of a clustered station, written in the ledger's transaction: which node appended it
-- under which fencing token. token is filled by a sub-select of the lease that the appending node holds; when it
-- does not hold it (expired, taken over), the sub-select is NULL, the insert fails and so does the record.
CREATE TABLE station_append (
    ledger_seq BIGINT       NOT NULL PRIMARY KEY,
    station    VARCHAR(200) NOT NULL,
    owner      VARCHAR(200) NOT NULL,
    token      BIGINT       NOT NULL
);
CREATE INDEX ix_station_append_station ON station_append (station, ledger_seq);

-- The sequencer of the one ledger that all nodes append to: each node's writer locks this row (SELECT ... FOR
-- UPDATE) at the start of its group-commit transaction, then reads the leaves other nodes committed since its
-- last batch into its Merkle frontier, so sequence numbers never collide and the tree stays one tree.
CREATE TABLE ledger_sequencer (
    id INT NOT NULL PRIMARY KEY
);
INSERT INTO ledger_sequencer (id) VALUES (1);
