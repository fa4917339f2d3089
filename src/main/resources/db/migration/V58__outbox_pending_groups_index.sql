-- Enterprise concern, outbox. Numbered after V55 for the reason V57 is (the column ordering_key comes from V55; a
-- number in V30-V39 would run before it on a new database). Applied out of order on databases created before it.
-- The PENDING rows by group: the due query finds the oldest PENDING row of each ordering group by a skip scan, one
-- index probe per group (OutboxRepository.groupHeads), instead of walking every PENDING row of a group's backlog
-- and probing ix_outbox_ordering for an older one, on every poll. A plain index: the same statement on H2 and
-- PostgreSQL.
CREATE INDEX ix_outbox_pending_groups ON outbox (status, ordering_key, id);
