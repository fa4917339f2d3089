-- Enterprise concern (V30-V39), outbox. ix_outbox_due (status, next_attempt_at), from V1, is read by no query any more:
-- the poll finds due rows through ix_outbox_ordering (V57) and the groups' heads through ix_outbox_pending_groups
-- (V58), an ordered target's head through ix_outbox_target_head (V34), and the per-status counts range over
-- ix_outbox_pending_groups, which starts with status as well. It was still written for every row: on insert, on every
-- claim (next_attempt_at moves) and on every mark (status changes), 3 of the 13 B-tree changes of a row delivered at
-- its first attempt (insert: the table and 5 indexes; claim: the table and this index; mark: the table and the 4
-- indexes with status). A plain statement on H2 and PostgreSQL; applied out of order on databases created before it.
DROP INDEX IF EXISTS ix_outbox_due;
