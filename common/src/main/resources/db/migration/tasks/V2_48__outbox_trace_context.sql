-- tasks-service: an outbox row carries the trace of the completion that wrote it (its W3C traceparent),
-- so that the relay's delivery of the charge and of the generation continues that trace, however much
-- later and on whichever replica. Nullable: rows of a previous release (during a rolling upgrade, or
-- written before this one) have none, and are delivered in a trace of their own.
ALTER TABLE task_outbox
  ADD COLUMN traceparent text
    CHECK (traceparent IS NULL OR traceparent ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
