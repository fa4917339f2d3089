-- Quality alarms sent to an enterprise target (visionhub.quality.alarms.enterprise-target): the target the raise's
-- outbox row (key ALARM|<id>) was written for, in the same transaction as the alarm row; NULL: not sent.
ALTER TABLE quality_alarm ADD COLUMN enterprise_target VARCHAR(100);
