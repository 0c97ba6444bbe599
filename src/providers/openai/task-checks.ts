import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { ModelDefinition } from '../../spi/model-provider.js';
import { describeColumns, isFloatArray, isStringLike } from '../schema-rules.js';
import type { OpenAITask } from './endpoint.js';

/**
 * The task a model's OUTPUT asks for when nothing else names one: a single ARRAY<FLOAT> (or
 * ARRAY<DOUBLE>) column is an embedding, anything else chat (a structured model is shown to the
 * provider with one STRING column, so it stays chat).
 */
export function taskByOutput(model: Pick<ModelDefinition, 'outputs'>): OpenAITask {
  const { outputs } = model;
  return outputs.length === 1 && isFloatArray(outputs[0]!.type) ? 'embeddings' : 'chat';
}

/** The columns an OpenAI-wire task takes and produces (the openai and azureopenai providers). */
export function checkColumns(model: ModelDefinition, task: OpenAITask): string[] {
  const problems: string[] = [];
  const { inputs, outputs } = model;
  if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) {
    problems.push(`the ${task} task takes exactly one STRING input column, not ${describeColumns(inputs)}`);
  }
  if (task === 'chat') {
    if (outputs.length !== 1 || !isStringLike(outputs[0]!.type)) {
      problems.push(
        `the chat task produces exactly one STRING output column, not ${describeColumns(outputs)} ` +
          "(for one typed column, set 'response-format' = 'json_schema'; several columns are structured output by themselves)",
      );
    }
  } else if (outputs.length !== 1 || !isFloatArray(outputs[0]!.type)) {
    problems.push(`the embeddings task produces exactly one ARRAY<FLOAT> (or ARRAY<DOUBLE>) output column, not ${describeColumns(outputs)}`);
  }
  return problems;
}

// 'max-tokens' serves both: the completion limit of chat, the per-row input limit of embeddings.
const CHAT_ONLY = ['system-prompt', 'temperature', 'top-p', 'stop', 'presence-penalty', 'n', 'seed', 'response-format', 'response-schema'];
const EMBEDDINGS_ONLY = ['dimension', 'max-batch-size'];

/** Portable jobs may carry options of the other task; Flink ignores them, we say so once. */
export function warnIgnoredOptions(options: ResolvedOptions, task: OpenAITask, warn: (obj: object, msg: string) => void): void {
  const irrelevant = task === 'chat' ? EMBEDDINGS_ONLY : CHAT_ONLY;
  const ignored = irrelevant.filter((k) => Object.hasOwn(options.raw, k));
  if (ignored.length > 0) warn({ ignored }, `options without effect on a ${task} model are ignored`);
}
