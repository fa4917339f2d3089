-- Ledger concern: images removed by the retention policy (io.visionhub.images.retention). Each row is written in
-- the same transaction as the IMAGES_PRUNED ledger record that lists the image (ledger_seq), so the pruner never
-- takes an image twice; the verifier trusts only the ledger record, not this table.
CREATE TABLE image_pruned (
    sha256     VARCHAR(64) NOT NULL PRIMARY KEY,
    ledger_seq BIGINT      NOT NULL,
    pruned_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
-- the pruner checks that no inspection still within its policy shares an image (the store keeps one copy per hash)
CREATE INDEX ix_inspection_image_sha ON inspection (image_sha256);
CREATE INDEX ix_inspection_annotated_sha ON inspection (annotated_sha256);
