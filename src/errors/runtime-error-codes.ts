/** PD4xxx: runtime, connectors and model providers. */
export const RUNTIME_ERROR_CODES = {} as const;
