/** PD42xx: model providers, rate limiting and retries. */
export const PROVIDER_ERROR_CODES = {} as const;
