/** The tasks Confluent's CREATE MODEL accepts, plus the OpenAI provider's `chat` / `embeddings`. */
export const MODEL_TASKS = Object.freeze(['text_generation', 'classification', 'regression', 'clustering', 'embedding', 'chat', 'embeddings']);

export function isEmbeddingTask(task: string | undefined): boolean {
  const t = task?.toLowerCase();
  return t === 'embedding' || t === 'embeddings';
}
