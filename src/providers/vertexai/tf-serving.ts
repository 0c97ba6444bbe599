import type { Value } from '../../types/data-type.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';

/**
 * The TF-SERVING (= KSERVE-V1) input format of Confluent's vertexai provider, in its "row" form:
 * `{"instances": [...]}` in, `{"predictions": [...]}` out, one prediction per instance in order
 * (wire-formats §7.2; a custom endpoint's container decides what each holds). Kept in this one
 * file so the tabular formats other providers share can take it over.
 */

/** One row as an instance: one INPUT column is the instance itself (a feature array or a scalar); several are an object by column name. */
export function tfServingInstance(inputs: readonly Value[], names: readonly string[]): unknown {
  if (names.length === 1) return toJson(inputs[0] ?? null);
  const instance: Record<string, unknown> = {};
  names.forEach((name, i) => (instance[name] = toJson(inputs[i] ?? null)));
  return instance;
}

/** `predictions`, checked to hold one entry per instance sent. */
export function tfServingPredictions(json: Record<string, unknown>, expected: number): unknown[] {
  const predictions = json['predictions'];
  if (!Array.isArray(predictions)) throw new AnswerShapeError("no 'predictions' array");
  if (predictions.length !== expected) throw new AnswerShapeError(`expected ${expected} predictions, got ${predictions.length}`);
  return predictions;
}

/**
 * A prediction as the JSON object of the OUTPUT columns, which the answer reader then casts: one
 * column takes the prediction whole; several take an object's properties by name, or an array's
 * items in column order (a model that answers `[0.1, 0.9]` for two columns).
 */
export function predictionObject(prediction: unknown, names: readonly string[]): unknown {
  if (names.length === 1) return { [names[0]!]: prediction };
  if (Array.isArray(prediction) && prediction.length === names.length) return Object.fromEntries(names.map((n, i) => [n, prediction[i]]));
  return prediction;
}

/** A SQL value as JSON: dates as ISO text, bytes as TF Serving's `{"b64": ...}`, maps as objects. */
function toJson(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return { b64: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map((x: Value) => toJson(x));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]: [Value, Value]) => [String(k), toJson(x)]));
  return isRecord(v) ? v : String(v);
}
