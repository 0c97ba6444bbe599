import type { ConfigSpec, OptionProblem, OptionSpec, OptionValue, ResolvedOptions } from './config-spec.js';
import { parseDuration } from './duration.js';
import { closestMatch } from './did-you-mean.js';
import { hasOptionRefs } from './option-refs.js';

export interface ResolveResult {
  readonly options: ResolvedOptions;
  readonly problems: readonly OptionProblem[];
}

/**
 * Validates a WITH map against a spec: aliases folded, types parsed, defaults applied. A typed
 * value holding a `${...}` reference is kept unparsed (neither a value nor a default nor missing):
 * its text is known only when the job binds, where the map is resolved again.
 */
export function resolveOptions(spec: ConfigSpec, raw: Readonly<Record<string, string>>): ResolveResult {
  const byKey = new Map<string, OptionSpec>();
  for (const opt of spec.options) {
    byKey.set(opt.key, opt);
    for (const alias of opt.aliases ?? []) byKey.set(alias, opt);
  }
  const problems: OptionProblem[] = [];
  const canonical: Record<string, string> = {};
  const values = new Map<string, OptionValue>();
  const deferred = new Set<string>();

  for (const [key, value] of Object.entries(raw)) {
    const opt = byKey.get(key);
    if (!opt) {
      if (spec.passthroughPrefixes?.some((p) => key.startsWith(p))) {
        canonical[key] = value;
        continue;
      }
      const hint = closestMatch(key, [...byKey.keys()]);
      problems.push({ key, kind: 'unknown', message: `unknown option '${key}'${hint ? `; did you mean '${hint}'?` : ''}` });
      continue;
    }
    if (Object.hasOwn(canonical, opt.key) && key !== opt.key) {
      problems.push({ key, kind: 'invalid', message: `option '${key}' repeats '${opt.key}'` });
      continue;
    }
    canonical[opt.key] = value;
    if (opt.type.kind !== 'string' && hasOptionRefs(value)) {
      deferred.add(opt.key);
      continue;
    }
    const parsed = parseOptionValue(opt, value);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      problems.push({ key, kind: 'invalid', message: parsed.error });
    } else {
      values.set(opt.key, parsed as OptionValue);
    }
  }
  for (const opt of spec.options) {
    if (values.has(opt.key) || deferred.has(opt.key) || problems.some((p) => byKey.get(p.key) === opt)) continue;
    if (opt.default !== undefined) {
      const parsed = parseOptionValue(opt, opt.default);
      if (!(typeof parsed === 'object' && parsed !== null && 'error' in parsed)) values.set(opt.key, parsed as OptionValue);
    } else if (opt.required) {
      problems.push({ key: opt.key, kind: 'missing', message: `missing required option '${opt.key}'` });
    }
  }
  return { options: makeResolved(values, canonical), problems };
}

function makeResolved(values: Map<string, OptionValue>, raw: Record<string, string>): ResolvedOptions {
  return Object.freeze({
    raw: Object.freeze({ ...raw }),
    get<T extends OptionValue>(key: string): T | undefined {
      return values.get(key) as T | undefined;
    },
    require<T extends OptionValue>(key: string): T {
      const v = values.get(key);
      if (v === undefined) throw new Error(`option '${key}' has no value`);
      return v as T;
    },
    withPrefix(prefix: string): Readonly<Record<string, string>> {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
      return out;
    },
  });
}

function parseOptionValue(opt: OptionSpec, value: string): OptionValue | { error: string } {
  const t = opt.type;
  const bad = (what: string) => ({ error: `option '${opt.key}' expects ${what}, got '${opt.secret ? '***' : value}'` });
  switch (t.kind) {
    case 'string':
      return value;
    case 'int':
    case 'double': {
      const n = Number(value.trim());
      if (value.trim() === '' || !Number.isFinite(n) || (t.kind === 'int' && !Number.isInteger(n))) {
        return bad(t.kind === 'int' ? 'an integer' : 'a number');
      }
      if (t.min !== undefined && n < t.min) return bad(`a value >= ${t.min}`);
      if (t.max !== undefined && n > t.max) return bad(`a value <= ${t.max}`);
      return n;
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      return bad("'true' or 'false'");
    }
    case 'duration': {
      const bare = t.bareNumber === 'seconds' && /^\s*\d+(?:\.\d+)?\s*$/.test(value);
      const ms = bare ? Math.round(Number(value) * 1000) : parseDuration(value);
      const what = bare || t.bareNumber === 'seconds' ? "seconds or a duration such as '500ms', '30 s' or '3 min'" : "a duration such as '500ms', '30 s' or '3 min'";
      if (ms === undefined || (t.positive && ms <= 0)) return bad(t.positive ? `a positive number of ${what}` : what);
      return ms;
    }
    case 'enum': {
      const found = t.values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
      if (found !== undefined) return found;
      const problem = bad(`one of ${t.values.map((v) => `'${v}'`).join(', ')}`);
      const hint = opt.secret ? undefined : closestMatch(value.trim(), t.values);
      return hint ? { error: `${problem.error}; did you mean '${hint}'?` } : problem;
    }
    case 'list':
      return value.split(/[;,]/).map((s) => s.trim()).filter((s) => s.length > 0);
  }
}
