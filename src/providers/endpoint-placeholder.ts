import { hasOptionRefs } from '../spi/option-refs.js';

/**
 * Endpoints copied from provider docs keep placeholders such as `<REGION>`; like `${...}`
 * references they make the URL uncheckable at validation time. Returns the first one.
 */
export function endpointPlaceholder(endpoint: string): string | undefined {
  return /<[^<>]*>/.exec(endpoint)?.[0];
}

/** True when the endpoint can only be checked once references are resolved (create()). */
export function endpointDeferred(endpoint: string): boolean {
  return hasOptionRefs(endpoint) || endpointPlaceholder(endpoint) !== undefined;
}
