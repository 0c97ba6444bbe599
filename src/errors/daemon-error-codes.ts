/** PD5xxx: daemon, configuration and CLI. */
export const DAEMON_ERROR_CODES = {} as const;
