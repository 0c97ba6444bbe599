import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
/** What the build is made of: a change to any of them builds anew into another folder. */
const INPUTS = ['pom.xml', 'settings.xml', 'src/main/resources/application.properties'];
const RUNNER = 'target/test-schema-registry-1-runner.jar';

async function buildDir(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of INPUTS) hash.update(await readFile(join(HERE, f)));
  const base = process.env.PREDICTD_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'predictd');
  return join(base, `schema-registry-${hash.digest('hex').slice(0, 12)}`);
}

/**
 * Builds Apicurio Registry 2.4.2.Final (Confluent-compatible API) from Maven Central into the
 * cache, once, and returns its runner jar. A second call finds the `.complete` marker and does
 * not start Maven. The first build downloads about 210 MB into the local Maven repository.
 */
export async function resolveRegistryJar(log: (msg: string) => void = () => {}): Promise<string> {
  const dir = await buildDir();
  const jar = join(dir, RUNNER);
  if (existsSync(join(dir, '.complete'))) return jar;
  log(`building Apicurio Registry 2.4.2.Final from Maven Central into ${dir}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const f of INPUTS) await cp(join(HERE, f), join(dir, f), { recursive: true });
  await run('mvn', ['-B', '-q', '-s', join(dir, 'settings.xml'), '-f', join(dir, 'pom.xml'), 'package', '-DskipTests'], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!existsSync(jar)) throw new Error(`the registry build finished without ${jar}`);
  await writeFile(join(dir, '.complete'), new Date().toISOString());
  return jar;
}
