import type { MlPredictNode } from './ml-predict-node.js';
import type { VectorSearchNode } from './vector-search-node.js';

/** Table functions predictd runs; window TVFs and the like are rejected by the parser (PD1005). */
export type TableFunctionCall = MlPredictNode | VectorSearchNode;
