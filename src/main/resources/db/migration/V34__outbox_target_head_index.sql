-- Enterprise concern (V30-V39), outbox. The oldest PENDING row of a target (OutboxRepository.head: an ordered target
-- delivers only its head, asked on every poll) is one index probe, ORDER BY target, status, id LIMIT 1, instead of a
-- walk over the PENDING rows of every other target. A plain index: the same statement on H2 and PostgreSQL. Applied
-- out of order on databases created before it (spring.flyway.out-of-order).
CREATE INDEX ix_outbox_target_head ON outbox (target, status, id);
