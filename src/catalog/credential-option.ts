/** Words that, as a part of an option name, mark its value as a credential. */
const CREDENTIAL_WORDS = new Set(['password', 'secret', 'token', 'jaas', 'apikey', 'credentials']);

/**
 * Whether an option's value is a credential, by its name alone: `api-key`, `password`,
 * `aws_secret_access_key`, `aws_session_token`, `properties.sasl.jaas.config` — but not
 * `max-tokens`. Used where no spec says so (SHOW CREATE, error messages, the log scrubber).
 */
export function isCredentialOption(key: string): boolean {
  const k = key.toLowerCase();
  if (/api[-_]?key|service[-_]?key|access[-_]?key/.test(k)) return true;
  return k.split(/[-_.]/).some((part) => CREDENTIAL_WORDS.has(part));
}
