// Builds the schema registry used by the tests into the cache ahead of the test run (used by .ci/run).
import { resolveRegistryJar } from './registry-build.js';

const jar = await resolveRegistryJar((msg) => console.log(msg));
console.log(`schema registry ready: ${jar}`);
