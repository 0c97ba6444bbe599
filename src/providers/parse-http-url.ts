/** An endpoint option as an http(s) URL, or the problem with it. */
export function parseHttpUrl(endpoint: string): URL | { readonly problem: string } {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    return { problem: `endpoint '${endpoint}' is not a valid URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `endpoint '${endpoint}' must be an http(s) URL` };
  return url;
}
