import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `predictd run` as a real child process (so it can be killed with SIGKILL), output to a log file.
 * The admin HTTP server is off unless `env` sets PREDICTD_ADMIN_PORT.
 */
export function spawnDaemon(jobsDir: string, logFile: string, env: Record<string, string> = {}): DaemonProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--jobs', jobsDir], {
    env: { ...process.env, PREDICTD_LOG_LEVEL: 'info', PREDICTD_JOBS_RELOAD_DEBOUNCE_MS: '50', PREDICTD_ADMIN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}
