-- Ledger (V1-V19): the inspection event is stored once, in its ledger record (ledger_leaf.entry), no longer copied
-- into inspection.event_json (about a quarter of the bytes each group commit wrote, one more long value in every
-- inspection B-tree page H2 rewrites). The queryable columns of inspection stay. Readers take the event from the view
-- inspection_event, which cuts it out of the record: an entry is {"body":{"deliveries":[...],"event":EVENT},
-- "recordId":"<id>","recordedAt":...} (canonical JSON, LedgerWrite.entry), so EVENT lies between the first ,"event":
-- and },"recordId":"<id>","recordedAt" (quotes inside strings are escaped, so neither can occur within a value).
-- Rows written before V13 keep their copy (the table is append-only: no migration rewrites a row); the view shows the
-- stored copy, and the verification names one that differs from its record.
ALTER TABLE inspection ALTER COLUMN event_json DROP NOT NULL;

CREATE VIEW inspection_event AS
SELECT i.id, i.ledger_seq, i.station, i.camera, i.line, i.production_order, i.batch, i.shift, i.product, i.result,
       i.capture_time, i.inference_time, i.model_name, i.model_version, i.model_sha256, i.anomaly_score, i.part_id,
       i.image_sha256, i.annotated_sha256,
       COALESCE(i.event_json,
                CASE WHEN POSITION(',"event":' IN l.entry) > 0
                      AND POSITION('},"recordId":"' || i.id || '","recordedAt"' IN l.entry)
                          > POSITION(',"event":' IN l.entry)
                     THEN SUBSTRING(l.entry FROM POSITION(',"event":' IN l.entry) + 9
                                    FOR POSITION('},"recordId":"' || i.id || '","recordedAt"' IN l.entry)
                                        - POSITION(',"event":' IN l.entry) - 9)
                END) AS event_json
FROM inspection i
LEFT JOIN ledger_leaf l ON l.seq = i.ledger_seq;
