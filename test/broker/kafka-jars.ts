import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POM = join(dirname(fileURLToPath(import.meta.url)), 'pom.xml');

/** Where resolved jars live between runs: one folder per pom content, so a pom change re-resolves. */
export async function kafkaLibDir(): Promise<string> {
  const pom = await readFile(POM);
  const digest = createHash('sha256').update(pom).digest('hex').slice(0, 12);
  const base = process.env.PREDICTD_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'predictd');
  return join(base, `kafka-${digest}`);
}

/**
 * Resolves the broker classpath from Maven Central into the cache (once), returning the lib
 * folder. A second call finds the `.complete` marker and does not start Maven at all.
 */
export async function resolveKafkaJars(log: (msg: string) => void = () => {}): Promise<string> {
  const dir = await kafkaLibDir();
  const lib = join(dir, 'lib');
  if (existsSync(join(dir, '.complete'))) return lib;
  log(`resolving Apache Kafka jars from Maven Central into ${dir}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyFile(POM, join(dir, 'pom.xml'));
  await run('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(join(dir, '.complete'), new Date().toISOString());
  return lib;
}

export async function hasCommand(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Java's major version, or undefined when no java is on the PATH. */
export async function javaMajorVersion(): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await run('java', ['-version'], { timeout: 20_000 });
    const m = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
    if (!m) return undefined;
    const major = Number(m[1]);
    return major === 1 ? Number(m[2]) : major;
  } catch {
    return undefined;
  }
}
