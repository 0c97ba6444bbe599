import type { TableEntry } from '../catalog/catalog-entries.js';
import type { ConnectorFactory } from '../spi/connector.js';
import type { VectorSearcher } from '../spi/vector-searcher.js';
import type { Row, Value } from '../types/data-type.js';

type Metric = 'COSINE' | 'IP' | 'L2';

/**
 * A search table's fixture rows searched in memory, so `predictd test` of a VECTOR_SEARCH job
 * never calls the vector store: exact nearest neighbours by the table's metric (`search.metric-type`,
 * else `metric-type`, else COSINE), scored as Milvus scores them (COSINE/IP: larger is nearer; L2:
 * the squared distance, smaller is nearer). `search.filter` is not evaluated.
 */
export function fixtureSearchConnector(table: TableEntry, rows: readonly Row[]): ConnectorFactory {
  const raw = table.definition.options.raw;
  const metric = (raw['search.metric-type'] ?? raw['metric-type'] ?? 'COSINE').toUpperCase() as Metric;
  return {
    name: 'fixture',
    summary: `fixture rows searched in memory in place of table '${table.name}'`,
    spec: { options: [] },
    createVectorSearcher: (definition, request): VectorSearcher => {
      const index = definition.columns.findIndex((c) => c.name === request.column);
      return {
        target: `fixture:${table.name}`,
        search: async (query) => {
          const scored = rows
            .filter((r) => Array.isArray(r[index]))
            .map((r) => ({ r, score: score(metric, query, r[index] as readonly number[]) }))
            .sort((a, b) => (metric === 'L2' ? a.score - b.score : b.score - a.score));
          return scored.slice(0, request.topK).map(({ r, score: s }) => [...r, s] as Value[]);
        },
        close: async () => {},
      };
    },
  };
}

function score(metric: Metric, a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (metric === 'L2') return l2;
  if (metric === 'IP') return dot;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
