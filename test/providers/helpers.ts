import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach } from 'vitest';
import { resolveOptions } from '../../src/spi/resolve-options.js';
import type { Logger } from '../../src/spi/logger.js';
import type { ModelDefinition, ModelProviderFactory, PredictOutcome } from '../../src/spi/model-provider.js';
import { Registry } from '../../src/spi/registry.js';
import type { Column, DataType } from '../../src/types/data-type.js';
import { LimiterRegistry, abortableSleep, bindModel, modelSpecFor, systemClock, type BoundModelFunction, type Clock } from '../../src/providers/index.js';

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
  const { options: resolved, problems } = resolveFor(factory, options);
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

/** The WITH map resolved against the provider's spec (shared + provider options). */
export function resolveFor(factory: ModelProviderFactory, options: Record<string, string>): ReturnType<typeof resolveOptions> {
  return resolveOptions(modelSpecFor(factory), options);
}

/** Backoff sleeps shortened to 5 ms; deadlines and the limiter still run on real time. */
/**
 * Virtual time that moves only when the test says (synchronously): scheduled timers fire in due
 * order when `advance` passes them, and a backoff sleep advances the clock by its length (kept in
 * `sleeps`). For code on `Clock` without promise chains to settle; virtual-clock.ts is the async kind.
 */
export function steppedClock(): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = 0;
  const timers: { at: number; fire: () => void }[] = [];
  const fireDue = () => {
    timers.sort((a, b) => a.at - b.at);
    while (timers.length > 0 && timers[0]!.at <= now) timers.shift()!.fire();
  };
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      now += ms;
      fireDue();
      return abortableSleep(0, signal);
    },
    schedule: (ms, fire) => {
      const timer = { at: now + ms, fire };
      timers.push(timer);
      return timer;
    },
    cancel: (timer) => {
      const i = timers.indexOf(timer as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    advance: (ms) => {
      now += ms;
      fireDue();
    },
  };
}

export const fastClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => abortableSleep(Math.min(ms, 5), signal), schedule: systemClock.schedule, cancel: systemClock.cancel };

export function expectOk(outcome: PredictOutcome): readonly (readonly unknown[])[] {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.action}: ${outcome.error.message}`);
  return outcome.rows;
}

export interface ProviderHarness<E> {
  /** This test's emulator; a test may close it and assign a replacement (closed after the test). */
  emu: E;
  /** This test's capture logger (also the limiters'). */
  readonly log: ReturnType<typeof captureLogger>;
  /** bindModel with this test's limiters, log and fastClock; closed after the test. */
  bind(model: ModelDefinition): BoundModelFunction;
}

/**
 * Registers beforeEach/afterEach hooks giving every test a fresh emulator, capture logger and
 * LimiterRegistry; afterwards the bound functions, the limiters and the emulator are closed.
 */
export function useProviderHarness<E extends { close(): Promise<void> }>(factory: ModelProviderFactory, start: () => Promise<E>): ProviderHarness<E> {
  let emu: E | undefined;
  let limiters: LimiterRegistry | undefined;
  let log: ReturnType<typeof captureLogger> | undefined;
  const bound: BoundModelFunction[] = [];

  beforeEach(async () => {
    emu = await start();
    log = captureLogger();
    limiters = new LimiterRegistry({ log });
  });

  afterEach(async () => {
    await Promise.all(bound.splice(0).map((f) => f.close()));
    await limiters!.close();
    await emu!.close();
  });

  return {
    get emu() {
      return emu!;
    },
    set emu(next) {
      emu = next;
    },
    get log() {
      return log!;
    },
    bind(model) {
      const fn = bindModel(factory, model, { limiters: limiters!, log: log!, clock: fastClock });
      bound.push(fn);
      return fn;
    },
  };
}

/** The context compileJob needs for a job using only `factory`. */
export function seedContext(factory: ModelProviderFactory) {
  return { registry: new Registry().registerProvider(factory), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };
}

/** The options table between `<!-- options:<name>:begin -->` and `...:end -->` in docs/providers-cloud.md. */
export async function cloudDocsOptionsBlock(name: string): Promise<string | undefined> {
  const doc = await readFile(new URL('../../docs/providers-cloud.md', import.meta.url), 'utf8');
  return new RegExp(`<!-- options:${name}:begin -->\\n([\\s\\S]*?)\\n<!-- options:${name}:end -->`).exec(doc)?.[1];
}
