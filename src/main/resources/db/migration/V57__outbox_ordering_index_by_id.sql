-- Enterprise concern, outbox (issue 21). Numbered after V55 (the column ordering_key and this index come from V55; a
-- number in V30-V39 would run before them on a new database) and V56 (the NCR tables' append-only guard, Java).
-- Applied out of order on databases created before it (spring.flyway.out-of-order).
-- The id joins the ordering group's index, so the oldest PENDING row of a group (OutboxRepository.groupHead, asked
-- after each delivered row of a group, and the due query's "no older PENDING row of its group") is one index probe,
-- ORDER BY ordering_key, status, id LIMIT 1, instead of a read and sort of every PENDING row of the group: an NCR
-- with thousands of items waiting read them all per delivered item. A plain index: the same statement on H2 and
-- PostgreSQL.
DROP INDEX ix_outbox_ordering;
CREATE INDEX ix_outbox_ordering ON outbox (ordering_key, status, id);
