import { resolveAdminToken } from '../daemon/admin-token.js';
import { PredictdError } from '../errors/predictd-error.js';
import { AdminClient, defaultAdminUrl } from './admin-client.js';
import { loadCliConfig, type CommandIo } from './cli-args.js';

/** The flags every command that talks to the daemon takes. */
export const ADMIN_FLAGS = {
  admin: { type: 'string' },
  token: { type: 'string' },
  config: { type: 'string' },
} as const;

export const ADMIN_FLAGS_HELP = `  --admin <url>    the daemon's admin API (default: http://<admin.host>:<admin.port> of the daemon
                   configuration, e.g. http://127.0.0.1:9464)
  --token <token>  admin.token, sent as a bearer token (default: PREDICTD_ADMIN_TOKEN / admin.token)
  --config <file>  the daemon configuration to take admin.* from (default: config/predictd.json)`;

/** A client for the daemon the flags name; a string is a usage problem to report (exit 2). */
export async function adminClientOf(values: Record<string, string | boolean | undefined>, io: CommandIo): Promise<AdminClient | string> {
  try {
    const config = loadCliConfig(values['config'] as string | undefined, io.env);
    const url = (values['admin'] as string | undefined) ?? defaultAdminUrl(config);
    if (!/^https?:\/\/[^/]+/.test(url)) return `--admin must be an http:// URL, got '${url}'`;
    const token = (values['token'] as string | undefined) ?? (await resolveAdminToken(config.admin.token, io.env));
    return new AdminClient(url, token);
  } catch (err) {
    if (err instanceof PredictdError || err instanceof Error) return err.message;
    return String(err);
  }
}
