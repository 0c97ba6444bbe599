import { parseHttpUrl } from '../parse-http-url.js';
import { uriEncode } from '../aws/sigv4.js';

export interface SageMakerEndpoint {
  /** scheme://host[:port] */
  readonly origin: string;
  readonly endpointName: string;
  /** The region an AWS host names (`runtime.sagemaker.<region>.amazonaws.com`), else undefined. */
  readonly hostRegion: string | undefined;
  /** The URL to send. */
  readonly url: string;
}

const AWS_HOST = /(?:^|\.)runtime(?:-fips)?\.sagemaker\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;
/** InvokeEndpoint's `EndpointName` rule (wire-formats §5). */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/** `…/endpoints/{EndpointName}/invocations`, the name checked by the service's own pattern. */
export function parseSageMakerEndpoint(endpoint: string): SageMakerEndpoint | { readonly problem: string } {
  const url = parseHttpUrl(endpoint);
  if ('problem' in url) return url;
  const m = /^(.*?)\/endpoints\/([^/]+)\/invocations\/?$/.exec(url.pathname);
  if (!m) return { problem: `endpoint '${endpoint}' must end in /endpoints/<endpoint name>/invocations` };
  const endpointName = m[2]!;
  if (endpointName.length > 63 || !ENDPOINT_NAME.test(endpointName)) {
    return { problem: `'${endpointName}' is not a SageMaker endpoint name: at most 63 letters, digits and inner hyphens` };
  }
  const hostRegion = AWS_HOST.exec(url.hostname)?.[1];
  return { origin: url.origin, endpointName, hostRegion, url: `${url.origin}${m[1]}/endpoints/${uriEncode(endpointName)}/invocations` };
}
