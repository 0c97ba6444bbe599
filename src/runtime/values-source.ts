import type { PartitionProgress, Source } from '../spi/source.js';
import type { Row } from '../types/data-type.js';

/** A bounded source over literal rows: `CREATE VIEW v AS VALUES (...)` and `INSERT ... VALUES`. */
export function valuesSource(rows: readonly Row[]): Source {
  let acked = 0;
  return {
    bounded: true,
    async run({ signal, flow, push }) {
      for (const row of rows) {
        if (flow.full) await flow.drained(signal);
        if (signal.aborted) return;
        push({ row: [...row], ack: () => void acked++, nack() {} });
      }
    },
    async close() {},
    progress: (): PartitionProgress[] => [{ topic: 'VALUES', partition: 0, committedOffset: String(acked), endOffset: String(rows.length), lag: rows.length - acked }],
  };
}
