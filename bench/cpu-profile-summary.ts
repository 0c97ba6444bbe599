// Sums a V8 .cpuprofile (BENCH_CPU_PROF=<dir> npm run bench -- --only P2) by self time: per
// package or file, and per function. Usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]
// Shares are what to compare between runs on a shared machine: V8 samples by wall clock, so a
// descheduled process still charges the function it was in.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `node_modules/<package>` for a dependency, the path under dist/ or src/ for predictd's own code, else the URL (node:...). */
function fileOf(url: string): string {
  const local = url.replace(/^file:\/\/.*?\/(?=(node_modules|dist|src|connectors)\/)/, '');
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(local);
  return m ? `node_modules/${m[1]}` : local;
}

function top(totals: ReadonlyMap<string, number>, all: number, n: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `${((100 * us) / all).toFixed(1).padStart(5)} % ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

const [file, n = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byFile = new Map<string, number>();
const byFunction = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id)!.callFrame;
  all += us;
  const where = fileOf(frame.url) || frame.functionName;
  byFile.set(where, (byFile.get(where) ?? 0) + us);
  const fn = `${frame.functionName || '(anonymous)'} ${fileOf(frame.url)}:${frame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
});
console.log(`${file}: ${(all / 1000).toFixed(0)} ms sampled\n\nby package or file (self time)`);
console.log(top(byFile, all, Number(n)).join('\n'));
console.log('\nby function (self time)');
console.log(top(byFunction, all, Number(n)).join('\n'));
