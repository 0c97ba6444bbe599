/** The `taskType` values of Google's embedding models, Gemini API and Vertex AI alike (wire-formats §6.4). */
export const EMBEDDING_TASK_TYPES = Object.freeze([
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);
