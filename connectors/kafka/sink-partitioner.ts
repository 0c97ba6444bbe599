import { Partitioners, type ICustomPartitioner } from 'kafkajs';
import type { SinkPartitionerName } from './kafka-table-options.js';

/**
 * Flink's sink.partitioner values as kafkajs partitioners. 'default' is Kafka's own
 * (murmur2 of the key, Java-compatible); 'fixed' is Flink's FlinkFixedPartitioner with a
 * single writer (the lowest partition id); 'round-robin' cycles through the partitions.
 * An explicit partition on a message always wins.
 */
export function sinkPartitioner(name: SinkPartitionerName): ICustomPartitioner {
  switch (name) {
    case 'default':
      return Partitioners.DefaultPartitioner;
    case 'fixed':
      return () =>
        ({ partitionMetadata }) =>
          Math.min(...partitionMetadata.map((p) => p.partitionId));
    case 'round-robin':
      return () => {
        let next = 0;
        return ({ partitionMetadata }) => {
          const ids = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
          const id = ids[next % ids.length]!;
          next = (next + 1) % 1_000_000_007;
          return id;
        };
      };
  }
}
