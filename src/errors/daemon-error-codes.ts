/** PD5xxx: daemon, configuration and CLI. */
export const DAEMON_ERROR_CODES = {
  PD5001: 'the jobs folder (--jobs, jobs.dir) does not exist, is not a folder or cannot be read',
  PD5002: 'admin.token names an environment variable that is not set or a file that cannot be read',
} as const;
