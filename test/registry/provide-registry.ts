import { javaMajorVersion, hasCommand } from '../broker/kafka-jars.js';
import { startLocalRegistry, type RunningRegistry } from './local-registry.js';
import { resolveRegistryJar } from './registry-build.js';

export type ProvidedRegistry = Pick<RunningRegistry, 'url' | 'stop'> & { readonly logFile: string };

/**
 * A Confluent-compatible schema registry for the tests: SCHEMA_REGISTRY_URL when set, else
 * Apicurio Registry built from Maven Central (Java 17+ and Maven). Without Java it answers
 * undefined and says why: the Avro end-to-end tests then skip with that message.
 */
export async function provideRegistry(log: (msg: string) => void): Promise<ProvidedRegistry | { readonly skipped: string }> {
  const given = process.env.SCHEMA_REGISTRY_URL;
  if (given) {
    log(`using the schema registry at ${given} (SCHEMA_REGISTRY_URL)`);
    return { url: given, logFile: '(external registry)', stop: async () => {} };
  }
  const java = await javaMajorVersion();
  if (java === undefined || java < 17 || !(await hasCommand('mvn', ['-v']))) {
    return { skipped: `no schema registry: Java 17+ and Maven are needed to build one (found ${java === undefined ? 'no java' : `java ${java}`}); set SCHEMA_REGISTRY_URL to use another` };
  }
  const jar = await resolveRegistryJar(log);
  const registry = await startLocalRegistry(jar);
  log(`started Apicurio Registry at ${registry.url} (log: ${registry.logFile})`);
  return registry;
}
