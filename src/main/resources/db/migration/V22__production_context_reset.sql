-- Reset of a line's context (POST /api/context/{line}/reset): a person starts the line's context afresh after a
-- push that locked it (validFrom far ahead, a version jump). Each reset opens a new epoch of the line; versions
-- count again from 1 within it, so (line, version) is unique per epoch. The reset itself is a row of this table
-- (source RESET, version 0, who and why), so the history shows it and a restart restores only the newest epoch.
ALTER TABLE production_context_change ADD COLUMN epoch BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE production_context_change ADD COLUMN reason VARCHAR(1000);
ALTER TABLE production_context_change DROP CONSTRAINT uq_production_context_change;
ALTER TABLE production_context_change ADD CONSTRAINT uq_production_context_change UNIQUE (line, epoch, version);
