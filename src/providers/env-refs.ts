import { ProviderConfigError } from './provider-errors.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${NAME}` in an option value with the variable from `env`. A missing variable is
 * an error naming the option and the variable; the value itself is never echoed (it may be a key).
 */
export function resolveEnvRefs(value: string, env: Readonly<Record<string, string | undefined>>, optionKey: string): string {
  return value.replace(REF, (_match, name: string) => {
    const found = env[name];
    if (found === undefined || found === '') {
      throw new ProviderConfigError('PD4202', `option '${optionKey}' refers to environment variable '${name}', which is not set`);
    }
    return found;
  });
}
