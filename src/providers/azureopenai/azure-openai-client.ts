import type { Logger } from '../../spi/logger.js';
import type { ModelClient } from '../../spi/model-provider.js';
import { fingerprint } from '../fingerprint.js';
import { createOpenAIWireClient, withQuery, type OpenAIWireConfig } from '../openai/openai-client.js';

/** A model's options compiled once: every value the requests need, defaults applied. */
export interface AzureOpenAIClientConfig extends OpenAIWireConfig {
  /** The deployment URL without the task suffix, e.g. https://res.openai.azure.com/openai/deployments/gpt-4o */
  readonly deploymentURL: string;
  readonly apiVersion: string;
  /** Other query parameters of the endpoint, sent with every request. */
  readonly query: Readonly<Record<string, string>>;
  readonly model: string | undefined;
}

/** Azure quotas (TPM/RPM) belong to a deployment: `azureopenai|deployment URL|key:<sha-256 prefix>`. */
export function azureQuotaKey(config: Pick<AzureOpenAIClientConfig, 'deploymentURL' | 'apiKey'>): string {
  return `azureopenai|${config.deploymentURL}|key:${fingerprint(config.apiKey)}`;
}

/**
 * The OpenAI provider's clients with Azure's specifics: the `api-key` header, the `api-version`
 * query and the deployment URL. The answers are OpenAI's, so the OpenAI error mapping applies
 * unchanged: 429 throttled with `retry-after-ms` / `retry-after`, 408/409/5xx transient, other 4xx
 * (401, 404 DeploymentNotFound, 400 content_filter) fatal.
 */
export function createAzureOpenAIClient(config: AzureOpenAIClientConfig, log: Logger): ModelClient {
  const query = { ...config.query, 'api-version': config.apiVersion };
  return createOpenAIWireClient(
    config,
    { quotaKey: azureQuotaKey(config), url: (path) => withQuery(`${config.deploymentURL}${path}`, query), authHeaders: { 'api-key': config.apiKey } },
    log,
  );
}
