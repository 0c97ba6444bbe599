/** What a response-headers reader needs: fetch's Headers, or anything iterable the same way. */
export interface HeaderEntries {
  forEach(fn: (value: string, name: string) => void): void;
}

/**
 * A failed attempt's response headers as `ModelCallError.headers` (and the `http-headers-map`
 * column) carry them: lower-case names, one value each as the server sent it. `set-cookie` is
 * dropped: a session cookie is a credential, and it says nothing about the failure.
 */
export function responseHeaders(headers: HeaderEntries | undefined | null): Readonly<Record<string, readonly string[]>> | undefined {
  if (!headers || typeof headers.forEach !== 'function') return undefined;
  const out: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (key === 'set-cookie') return;
    (out[key] ??= []).push(value);
  });
  return Object.freeze(out);
}
