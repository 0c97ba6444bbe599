import { ProviderConfigError } from './provider-errors.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The one rule for a `${NAME}` reference: an empty variable counts as not set. */
function lookup(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const found = env[name];
  return found === undefined || found === '' ? undefined : found;
}

/**
 * Replaces every `${NAME}` in an option value with the variable from `env`. A missing variable is
 * an error naming the option and the variable; the value itself is never echoed (it may be a key).
 */
export function resolveEnvRefs(value: string, env: Readonly<Record<string, string | undefined>>, optionKey: string): string {
  return value.replace(REF, (_match, name: string) => {
    const found = lookup(name, env);
    if (found === undefined) {
      throw new ProviderConfigError('PD4202', `option '${optionKey}' refers to environment variable '${name}', which is not set`);
    }
    return found;
  });
}

/** The variables `value` refers to that resolveEnvRefs would find unset, in order, each once. */
export function unsetEnvRefs(value: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const names = [...value.matchAll(REF)].map((m) => m[1]!).filter((name) => lookup(name, env) === undefined);
  return [...new Set(names)];
}
