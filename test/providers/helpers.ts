import { resolveOptions } from '../../src/spi/resolve-options.js';
import type { Logger } from '../../src/spi/logger.js';
import type { ModelDefinition, ModelProviderFactory } from '../../src/spi/model-provider.js';
import type { Column, DataType } from '../../src/types/data-type.js';
import { modelSpecFor } from '../../src/providers/index.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

/** A Logger that keeps every entry (children included) in one array. */
export function captureLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const make = (level: LogEntry['level']) =>
    ((objOrMsg: object | string, msg?: string) => {
      if (typeof objOrMsg === 'string') entries.push({ level, fields: { ...bindings }, msg: objOrMsg });
      else entries.push({ level, fields: { ...bindings, ...(objOrMsg as Record<string, unknown>) }, msg: msg ?? '' });
    }) as Logger['info'];
  return {
    entries,
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    child: (more) => captureLogger(entries, { ...bindings, ...more }),
  };
}

export const STRING: DataType = { kind: 'STRING', nullable: true };
export const DOUBLE: DataType = { kind: 'DOUBLE', nullable: true };
export const FLOAT_ARRAY: DataType = { kind: 'ARRAY', element: { kind: 'FLOAT', nullable: true }, nullable: true };

export function col(name: string, type: DataType = STRING): Column {
  return { name, type };
}

/** A model definition as the catalog would build it: the WITH map resolved against shared + provider options. */
export function defineModel(
  factory: ModelProviderFactory,
  options: Record<string, string>,
  shape: { name?: string; inputs?: Column[]; outputs?: Column[] } = {},
): ModelDefinition {
  const { options: resolved, problems } = resolveOptions(modelSpecFor(factory), options);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  return {
    name: shape.name ?? 'm',
    provider: options['provider'] ?? factory.names[0]!,
    inputs: shape.inputs ?? [col('input')],
    outputs: shape.outputs ?? [col('content')],
    options: resolved,
  };
}

export function never(): AbortSignal {
  return new AbortController().signal;
}
