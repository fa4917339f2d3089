-- Ledger (V1-V19): the roots of the Merkle tree's perfect subtrees of 16 leaves and more (io.visionhub.ledger.StoredTree).
-- Row (height, idx) is MTH of the leaves idx*2^height .. (idx+1)*2^height-1 (RFC 6962 node hash, 32 bytes). The
-- group-commit writer inserts the nodes a batch completes in the batch's transaction, so an inclusion or consistency
-- proof reads O(log n) rows instead of every leaf hash. V12 fills the table for logs written before it and makes it
-- append-only like the leaves. The nodes are derived data: the verification compares each with the stored leaves.
CREATE TABLE ledger_node (
    height SMALLINT NOT NULL,
    idx    BIGINT   NOT NULL,
    hash   BYTEA    NOT NULL,
    PRIMARY KEY (height, idx)
);
