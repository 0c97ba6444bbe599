import type { ModelDefinition, ModelProviderFactory, StructuredOutputRequest } from '../spi/model-provider.js';
import type { Column } from '../types/data-type.js';
import { outputJsonSchema, structuredOutputProblems, type JsonSchema } from './output-json-schema.js';

/** The one output a provider sees for a structured model: the answer's JSON text. */
export const STRUCTURED_ANSWER_COLUMN: Column = Object.freeze({ name: 'answer', type: Object.freeze({ kind: 'STRING', nullable: true }) });

/** What the framework and the provider work with: the provider's view of the model, or why there is none. */
export interface ProviderView {
  readonly model: ModelDefinition;
  readonly problems: readonly string[];
}

/**
 * Whether a model (its physical outputs, error columns stripped) asks for typed structured output:
 * several OUTPUT columns, or `response-format` = `json_schema`, or a `response-schema`. One typed
 * non-character column alone stays the provider's to judge (an embedding model has one).
 */
export function isStructured(model: ModelDefinition): boolean {
  const format = model.options.get<string>('response-format');
  if (format !== undefined && format.toLowerCase() === 'json_schema') return true;
  if (model.options.get<string>('response-schema') !== undefined) return true;
  return model.outputs.length > 1;
}

/**
 * The one rule, used by the catalog at CREATE MODEL and by bindModel: a structured model is shown
 * to its provider with one STRING output and `structured` set (the schema derived from the OUTPUT
 * columns, or the user's `response-schema`); any other model is shown as it is. A provider that
 * does not declare `structuredOutput` sees its models unchanged, so its own checkSchema rejects
 * typed OUTPUT columns it cannot fill (and a mocked model answers typed rows directly).
 */
export function providerView(model: ModelDefinition, factory: Pick<ModelProviderFactory, 'structuredOutput'>): ProviderView {
  if (!factory.structuredOutput || !isStructured(model)) return { model, problems: [] };
  const problems = structuredOutputProblems(model.outputs);
  const schema = problems.length === 0 ? schemaOf(model, problems) : undefined;
  if (!schema) return { model, problems };
  const structured: StructuredOutputRequest = Object.freeze({ name: schemaName(model.name), schema: schema as unknown as Readonly<Record<string, unknown>>, instruction: instructionFor(schema) });
  return { model: { ...model, outputs: [STRUCTURED_ANSWER_COLUMN], structured }, problems: [] };
}

/** The user's `response-schema` (checked against the columns) or the schema derived from them. */
function schemaOf(model: ModelDefinition, problems: string[]): JsonSchema | undefined {
  const text = model.options.get<string>('response-schema');
  if (text === undefined) return outputJsonSchema(model.outputs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push("option 'response-schema' is not valid JSON");
    return undefined;
  }
  const props = (parsed as { properties?: unknown } | null)?.properties;
  if (typeof parsed !== 'object' || parsed === null || (parsed as { type?: unknown }).type !== 'object' || typeof props !== 'object' || props === null) {
    problems.push("option 'response-schema' must be a JSON Schema object with \"type\": \"object\" and \"properties\"");
    return undefined;
  }
  const names = Object.keys(props);
  const missing = model.outputs.filter((c) => !names.includes(c.name)).map((c) => c.name);
  const extra = names.filter((n) => !model.outputs.some((c) => c.name === n));
  if (missing.length > 0) problems.push(`option 'response-schema' has no property for the OUTPUT column(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
  if (extra.length > 0) problems.push(`option 'response-schema' has properties that are not OUTPUT columns: ${extra.map((m) => `'${m}'`).join(', ')}`);
  return problems.length > 0 ? undefined : (parsed as JsonSchema);
}

/** OpenAI's `json_schema.name`: [A-Za-z0-9_-], at most 64 characters. */
export function schemaName(modelName: string): string {
  const name = modelName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return name.length > 0 ? name : 'output';
}

function instructionFor(schema: JsonSchema): string {
  return `Answer with one JSON object and nothing else (no prose, no code fence). It must conform to this JSON Schema: ${JSON.stringify(schema)}`;
}
