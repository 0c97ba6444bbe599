/** PD42xx: model providers, rate limiting and retries. */
export const PROVIDER_ERROR_CODES = {
  PD4201: "a model's options do not fit its provider (endpoint, task or option combination)",
  PD4202: "an option refers to an environment variable ('${NAME}') that is not set, or to a file ('${file:PATH}') that cannot be read",
  PD4203: 'a model call failed and was not retried: a non-retryable error (4xx other than 429, exhausted quota) or any failure under FAILOVER',
  PD4204: 'a model call still failed after retry-num retries (5xx, 408/409, attempt timeouts, connection errors)',
  PD4205: 'the model function or its shared rate limiter was closed while a call was waiting',
  PD4206: "a row got no answer within ML_PREDICT's per-row timeout (all attempts and waits together); the error strategy decided",
  PD4207: 'a model answered 2xx with a body it could not read (not JSON, an HTML page, missing fields), after retry-num retries or under FAILOVER',
  PD4208: "a structured-output model's answer did not conform to its typed OUTPUT columns (not JSON, a missing or extra property, a value of the wrong type), after retry-num retries or under FAILOVER",
} as const;
