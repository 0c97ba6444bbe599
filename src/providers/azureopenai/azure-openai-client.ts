import { AzureOpenAI } from 'openai';
import type { Logger } from '../../spi/logger.js';
import type { ModelClient } from '../../spi/model-provider.js';
import { fingerprint } from '../fingerprint.js';
import { createOpenAIWireClient, SDK_TIMEOUT_MS, type OpenAIWireConfig } from '../openai/openai-client.js';

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
 * The OpenAI provider's clients over the `openai` SDK's AzureOpenAI class, which does the Azure
 * specifics (`api-key` header, `api-version` query, deployment URL) and throws the same APIError
 * classes, so the OpenAI error mapping applies unchanged: 429 throttled with `retry-after-ms` /
 * `retry-after`, 408/409/5xx transient, other 4xx (401, 404 DeploymentNotFound, 400 content_filter) fatal.
 */
export function createAzureOpenAIClient(config: AzureOpenAIClientConfig, log: Logger): ModelClient {
  const sdk = new AzureOpenAI({
    apiKey: config.apiKey,
    apiVersion: config.apiVersion,
    // The deployment is already in the URL: the SDK then leaves request paths alone.
    baseURL: config.deploymentURL,
    defaultQuery: { ...config.query },
    maxRetries: 0,
    // The framework times each attempt out (client-timeout); the SDK's own timer is only a backstop.
    timeout: SDK_TIMEOUT_MS,
    // Explicit nulls stop the SDK from picking these up from the daemon's environment.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
  });
  // The caller's signal goes to the SDK as it is (the openai provider links a child per request).
  return createOpenAIWireClient(config, { quotaKey: azureQuotaKey(config), sdk, linkSignals: false }, log);
}
