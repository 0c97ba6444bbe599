import { setTimeout as sleep } from 'node:timers/promises';
import { AdminUnreachableError, errorMessage, type AdminClient } from './admin-client.js';
import { ADMIN_FLAGS, ADMIN_FLAGS_HELP, adminClientOf } from './admin-options.js';
import { parseCommandArgs, processIo, type CommandIo } from './cli-args.js';
import { EXIT } from './exit-codes.js';
import { renderStatus, type StatusView } from './status-table.js';

export const STATUS_USAGE = `Usage: predictd status [JOB...] [--watch] [--interval <seconds>] [--json] [--admin <url>] [--token <token>]

A table of the daemon's jobs: state, records in and rows out per second (last 10 s), consumer
lag, records in flight, routed errors, tokens and cost (when the models report them); a progress
line per bounded job (VALUES, datagen with number-of-rows) and the last error of failed jobs.

  --watch            redraw every --interval seconds (default 2) until Ctrl-C
  --json             print GET /jobs/{id}/status of each job as JSON instead
${ADMIN_FLAGS_HELP}

Exit 0 shown; 1 the daemon answered with an error (e.g. no such JOB); 2 usage; 3 the daemon does not answer.`;

export async function statusCommand(argv: readonly string[], io: CommandIo = processIo, stop?: AbortSignal): Promise<number> {
  const args = parseCommandArgs('status', STATUS_USAGE, argv, { ...ADMIN_FLAGS, watch: { type: 'boolean' }, interval: { type: 'string' }, json: { type: 'boolean' } }, io);
  if (typeof args === 'number') return args;
  const interval = Number(args.values['interval'] ?? '2');
  if (!Number.isFinite(interval) || interval <= 0) {
    io.err(`predictd status: --interval must be a positive number of seconds\n\n${STATUS_USAGE}\n`);
    return EXIT.USAGE;
  }
  const client = await adminClientOf(args.values, io);
  if (typeof client === 'string') {
    io.err(`predictd status: ${client}\n`);
    return EXIT.USAGE;
  }
  const only = args.positionals;
  const json = args.values['json'] === true;
  if (args.values['watch'] !== true) return showOnce(client, only, json, io);

  const ended = stop ?? ctrlC();
  const tty = process.stdout.isTTY === true;
  while (!ended.aborted) {
    if (tty) io.out('\x1b[H\x1b[2J');
    await showOnce(client, only, json, io, true);
    try {
      await sleep(interval * 1000, undefined, { signal: ended });
    } catch {
      break;
    }
  }
  return EXIT.OK;
}

/** One fetch and render; while watching, an unreachable daemon is shown, not fatal. */
async function showOnce(client: AdminClient, only: readonly string[], json: boolean, io: CommandIo, watching = false): Promise<number> {
  try {
    const views = await fetchStatuses(client, only);
    if (typeof views === 'string') {
      io.err(`predictd status: ${views}\n`);
      return EXIT.FAILURE;
    }
    io.out(json ? `${JSON.stringify(views, null, 2)}\n` : renderStatus(views, client.url));
    return EXIT.OK;
  } catch (err) {
    if (!(err instanceof AdminUnreachableError)) throw err;
    io.err(`predictd status: ${err.message}${watching ? '; trying again' : ''}\n`);
    return EXIT.UNREACHABLE;
  }
}

async function fetchStatuses(client: AdminClient, only: readonly string[]): Promise<StatusView[] | string> {
  let ids = [...only];
  if (ids.length === 0) {
    const res = await client.get('/jobs');
    if (res.status !== 200) return errorMessage(res);
    ids = ((res.body as { jobs?: Array<{ id: string }> }).jobs ?? []).map((j) => j.id);
  }
  const views: StatusView[] = [];
  for (const id of ids) {
    const res = await client.get(`/jobs/${encodeURIComponent(id)}/status`);
    if (res.status !== 200) return errorMessage(res);
    views.push(res.body as StatusView);
  }
  return views;
}

/** Ctrl-C ends a watch with exit 0 (the only signal handling of the CLI outside `run`). */
function ctrlC(): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.once('SIGTERM', () => ac.abort());
  return ac.signal;
}
