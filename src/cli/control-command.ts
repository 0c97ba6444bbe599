import { closestMatch } from '../spi/did-you-mean.js';
import { AdminUnreachableError, errorMessage, type AdminClient } from './admin-client.js';
import { ADMIN_FLAGS, ADMIN_FLAGS_HELP, adminClientOf } from './admin-options.js';
import { parseCommandArgs, processIo, type CommandIo } from './cli-args.js';
import { EXIT } from './exit-codes.js';

type Action = 'pause' | 'resume' | 'restart';

/** Kafka Connect's verbs: PUT for the target state, POST for a restart. */
const REQUESTS: Readonly<Record<Action, { method: 'PUT' | 'POST'; done: string; what: string }>> = {
  pause: { method: 'PUT', done: 'pause requested', what: 'Stops reading and model calls of JOB; calls under way finish and are committed. The pause is kept across restarts and reloads of the file, not across a restart of the daemon.' },
  resume: { method: 'PUT', done: 'resume requested', what: 'Lets a paused JOB read and call its model again.' },
  restart: { method: 'POST', done: 'restart requested', what: 'Stops JOB gracefully (what it finished is committed) and starts it anew from its committed offsets, with the restart backoff reset; also brings back a FAILED job.' },
};

export function controlUsage(action: Action): string {
  return `Usage: predictd ${action} JOB [--admin <url>] [--token <token>]

${REQUESTS[action].what}
JOB is the job file's name without .sql. Answers once the daemon accepted the request.

${ADMIN_FLAGS_HELP}

Exit 0 accepted; 1 refused (unknown job, 403 without the token, 409 in this state); 2 usage; 3 the daemon does not answer.`;
}

export function controlCommand(action: Action): (argv: readonly string[], io?: CommandIo) => Promise<number> {
  return async (argv, io = processIo) => {
    const usage = controlUsage(action);
    const args = parseCommandArgs(action, usage, argv, ADMIN_FLAGS, io);
    if (typeof args === 'number') return args;
    if (args.positionals.length !== 1) {
      io.err(`predictd ${action}: name one job\n\n${usage}\n`);
      return EXIT.USAGE;
    }
    const client = await adminClientOf(args.values, io);
    if (typeof client === 'string') {
      io.err(`predictd ${action}: ${client}\n`);
      return EXIT.USAGE;
    }
    const id = args.positionals[0]!;
    try {
      const { method, done } = REQUESTS[action];
      const res = await client.send(method, `/jobs/${encodeURIComponent(id)}/${action}`);
      if (res.status === 202 || res.status === 204 || res.status === 200) {
        const b = res.body as { state?: string; targetState?: string };
        io.out(`${id}: ${done}${b?.state ? ` (state ${b.state}, target state ${b.targetState ?? 'STARTED'})` : ''}\n`);
        return EXIT.OK;
      }
      let message = `predictd ${action}: ${errorMessage(res)}`;
      if (res.status === 404) message += await suggestion(client, id);
      if (res.status === 403) message += ' (pass --token or set PREDICTD_ADMIN_TOKEN)';
      io.err(`${message}\n`);
      return EXIT.FAILURE;
    } catch (err) {
      if (!(err instanceof AdminUnreachableError)) throw err;
      io.err(`predictd ${action}: ${err.message}\n`);
      return EXIT.UNREACHABLE;
    }
  };
}

/** `; did you mean 'x'?` for a mistyped job name, from the daemon's list. */
async function suggestion(client: AdminClient, id: string): Promise<string> {
  const res = await client.get('/jobs').catch(() => undefined);
  const ids = ((res?.body as { jobs?: Array<{ id: string }> } | undefined)?.jobs ?? []).map((j) => j.id);
  const near = closestMatch(id, ids);
  return near ? `; did you mean '${near}'?` : '';
}
