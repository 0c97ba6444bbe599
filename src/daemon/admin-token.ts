import { DaemonError } from './daemon-error.js';
import { resolveSettingRefs } from './resolve-plan-refs.js';

/**
 * `admin.token` as configured -> the token itself. The value may be the token, `${NAME}` (an
 * environment variable) or `${file:/path}` (a file's content, trimmed: a mounted secret), so the
 * token never has to sit in the configuration file. '' means no token. A reference that cannot
 * be resolved fails the start (PD5002) instead of silently running without a token. The references
 * follow the one rule of job options and daemon settings (resolve-plan-refs.ts).
 */
export async function resolveAdminToken(value: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  try {
    return resolveSettingRefs(value, 'admin.token', { env }).trim();
  } catch (err) {
    if (err instanceof DaemonError) throw new DaemonError('PD5002', err.message, { cause: err });
    throw err;
  }
}
