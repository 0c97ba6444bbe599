import type { TestProject } from 'vitest/node';
import { provideRegistry } from './provide-registry.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Confluent-compatible API of a real registry, or '' when none could be had. */
    schemaRegistryUrl: string;
    /** Why there is no registry, when schemaRegistryUrl is ''. */
    schemaRegistrySkipped: string;
  }
}

/**
 * Runs once per `vitest run`: a real schema registry for the Avro tests through
 * `inject('schemaRegistryUrl')`, stopped after. PREDICTD_TEST_REGISTRY=off skips it.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.PREDICTD_TEST_REGISTRY === 'off') {
    project.provide('schemaRegistryUrl', '');
    project.provide('schemaRegistrySkipped', 'PREDICTD_TEST_REGISTRY=off');
    return undefined;
  }
  const registry = await provideRegistry((msg) => process.stderr.write(`[schema-registry] ${msg}\n`));
  if ('skipped' in registry) {
    process.stderr.write(`[schema-registry] ${registry.skipped}\n`);
    project.provide('schemaRegistryUrl', '');
    project.provide('schemaRegistrySkipped', registry.skipped);
    return undefined;
  }
  project.provide('schemaRegistryUrl', registry.url);
  project.provide('schemaRegistrySkipped', '');
  return () => registry.stop();
}
