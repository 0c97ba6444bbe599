/** PD41xx: the runtime (pipelines, routing of failed rows). Code -> one-line meaning (docs/errors.md expands each). */
export const RUNTIME_ERROR_CODES = {
  PD4101:
    "a row failed for good at a stage whose failures are not tolerated ('errors.tolerance' = 'none' for decode, expression and sink failures): the job fails and nothing at or past the record is committed",
  PD4102:
    "a failed row was routed ('errors.tolerance' = 'all', or the model's IGNORE) but its source has no dead-letter queue: it was dropped, logged as a warning and counted in predictd_rows_failed_total{action=\"dropped\"}",
  PD4103: 'writing a failed row to the dead-letter queue failed; the write is retried with backoff and the record stays uncommitted until the queue acknowledged it',
  PD4104:
    'a failed row could not be written to the dead-letter queue after every retry (or the queue rejected it for good, e.g. a record too large): the job fails, as Kafka Connect fails the task, and its restart strategy takes over',
} as const;
