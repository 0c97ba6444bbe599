import type { ConnectorFactory } from './connector.js';
import type { FormatFactory } from './format.js';
import type { ModelProviderFactory } from './model-provider.js';

/**
 * Connectors, formats and model providers by name. A value, never a module global: the
 * daemon builds one, tests build their own.
 */
export class Registry {
  readonly #connectors = new Map<string, ConnectorFactory>();
  readonly #formats = new Map<string, FormatFactory>();
  readonly #providers = new Map<string, ModelProviderFactory>();

  registerConnector(factory: ConnectorFactory): this {
    addOnce(this.#connectors, factory.name, factory, 'connector');
    return this;
  }

  registerFormat(factory: FormatFactory): this {
    addOnce(this.#formats, factory.name, factory, 'format');
    return this;
  }

  registerProvider(factory: ModelProviderFactory): this {
    for (const name of factory.names) addOnce(this.#providers, name, factory, 'provider');
    return this;
  }

  connector(name: string): ConnectorFactory | undefined {
    return this.#connectors.get(name.toLowerCase());
  }

  format(name: string): FormatFactory | undefined {
    return this.#formats.get(name.toLowerCase());
  }

  provider(name: string): ModelProviderFactory | undefined {
    return this.#providers.get(name.toLowerCase());
  }

  connectorNames(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  formatNames(): string[] {
    return [...this.#formats.keys()].sort();
  }

  providerNames(): string[] {
    return [...this.#providers.keys()].sort();
  }
}

function addOnce<T>(map: Map<string, T>, name: string, value: T, what: string): void {
  const key = name.toLowerCase();
  if (map.has(key)) throw new Error(`${what} '${name}' is registered twice`);
  map.set(key, value);
}
