-- The review queue (web concern, V58-V59): parts awaiting a disposition are the NG and UNCERTAIN inspections with
-- none of their own or of their lot. Its count (per line, station and order, on every load and live refresh) read
-- the whole inspection table, event documents included; with this index it reads only the NG and UNCERTAIN ones,
-- then one disposition index probe each (ix_disposition_target). Newest first within a result, so the queue's page
-- can also be read from it. A plain index: the same statement on H2 and PostgreSQL (H2 has no partial indexes).
-- Cost: one more B-tree per ledger append (V5 measured ~2-3 % per index on H2).
CREATE INDEX ix_review_awaiting ON inspection (result, capture_time DESC, ledger_seq DESC);
