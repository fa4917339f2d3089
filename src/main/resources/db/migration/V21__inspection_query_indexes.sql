-- Indexes for the API's history queries on the ledger's inspection table (V1): newest first within an order,
-- a batch, a station, a line or all, so one page is an index range scan that stops after the page
-- (ORDER BY <column>, capture_time DESC, ledger_seq DESC). H2 is told to use them (InspectionQueries).
CREATE INDEX ix_api_inspection_order ON inspection (production_order, capture_time DESC, ledger_seq DESC);
CREATE INDEX ix_api_inspection_batch ON inspection (batch, capture_time DESC, ledger_seq DESC);
CREATE INDEX ix_api_inspection_station ON inspection (station, capture_time DESC, ledger_seq DESC);
CREATE INDEX ix_api_inspection_line ON inspection (line, capture_time DESC, ledger_seq DESC);
CREATE INDEX ix_api_inspection_newest ON inspection (capture_time DESC, ledger_seq DESC);
CREATE INDEX ix_api_inspection_defect_class ON inspection_defect (defect_class, inspection_id);
