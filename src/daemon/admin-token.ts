import { readFile } from 'node:fs/promises';
import { DaemonError } from './daemon-error.js';

/**
 * `admin.token` as configured -> the token itself. The value may be the token, `${NAME}` (an
 * environment variable) or `${file:/path}` (a file's content, trimmed: a mounted secret), so the
 * token never has to sit in the configuration file. '' means no token. A reference that cannot
 * be resolved fails the start (PD5002) instead of silently running without a token.
 */
export async function resolveAdminToken(value: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const ref = /^\$\{(file:)?([^}]+)\}$/.exec(value.trim());
  if (!ref) return value.trim();
  const [, file, name] = ref;
  if (file) {
    try {
      const text = (await readFile(name!, 'utf8')).trim();
      if (text === '') throw new Error('the file is empty');
      return text;
    } catch (err) {
      throw new DaemonError('PD5002', `admin.token names the file ${name}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
  const found = env[name!];
  if (found === undefined || found === '') throw new DaemonError('PD5002', `admin.token names the environment variable ${name}, which is not set`);
  return found.trim();
}
