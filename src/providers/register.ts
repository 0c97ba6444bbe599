import type { Registry } from '../spi/registry.js';
import { azureMLProvider } from './azureml/azureml-provider.js';
import { azureOpenAIProvider } from './azureopenai/azure-openai-provider.js';
import { bedrockProvider } from './bedrock/bedrock-provider.js';
import { googleAIProvider } from './googleai/googleai-provider.js';
import { localProvider } from './local/local-provider.js';
import { openAIProvider } from './openai/openai-provider.js';
import { sagemakerProvider } from './sagemaker/sagemaker-provider.js';
import { vertexAIProvider } from './vertexai/vertexai-provider.js';

/** Registers the built-in model providers: the OpenAI wire family, Azure OpenAI, Bedrock, Google AI, Vertex AI, SageMaker, Azure ML and the offline `local` provider. */
export function registerProviders(registry: Registry): Registry {
  return registry
    .registerProvider(openAIProvider)
    .registerProvider(localProvider)
    .registerProvider(azureOpenAIProvider)
    .registerProvider(bedrockProvider)
    .registerProvider(googleAIProvider)
    .registerProvider(vertexAIProvider)
    .registerProvider(sagemakerProvider)
    .registerProvider(azureMLProvider);
}
