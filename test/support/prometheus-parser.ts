import { spawnSync } from 'node:child_process';

/** One sample as the Prometheus client library's own text parser read it. */
export interface ParsedSample {
  /** The sample's name (a histogram's `_bucket`, `_sum`, `_count`; a counter's `_total`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  /** The family name as the parser reports it (without a counter's `_total`). */
  readonly name: string;
  readonly type: string;
  readonly samples: readonly ParsedSample[];
}

/** Whether python3 runs here at all: without it the tests that use the parser are skipped. */
export const HAS_PYTHON3 = spawnSync('python3', ['--version']).status === 0;

const SCRIPT = `
import json, math, sys
try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.stderr.write("the Python package prometheus-client is missing: python3 -m pip install prometheus-client (.ci/run installs it)\\n")
    sys.exit(3)
def num(v):
    return str(v) if math.isinf(v) or math.isnan(v) else v
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": num(s.value)} for s in f.samples]})
print(json.dumps(out))
`;

/**
 * Parses Prometheus text with `prometheus_client.parser.text_string_to_metric_families` (PyPI's
 * prometheus-client, the reference implementation's Python sibling): a malformed exposition
 * throws with the parser's message.
 */
export function parseWithPrometheusClient(text: string): ParsedFamily[] {
  const run = spawnSync('python3', ['-c', SCRIPT], { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the Prometheus parser rejected the text (exit ${run.status}): ${run.stderr}`);
  const families = JSON.parse(run.stdout) as Array<{ name: string; type: string; samples: Array<{ name: string; labels: Record<string, string>; value: number | string }> }>;
  return families.map((f) => ({ ...f, samples: f.samples.map((s) => ({ ...s, value: Number(s.value === 'inf' ? Infinity : s.value) })) }));
}

/** The samples named `name` whose labels include `labels`. */
export function samplesOf(families: readonly ParsedFamily[], name: string, labels: Readonly<Record<string, string>> = {}): ParsedSample[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample named `name` with these labels; throws when there is none or several. */
export function valueOf(families: readonly ParsedFamily[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  const found = samplesOf(families, name, labels);
  if (found.length !== 1) throw new Error(`${found.length} samples ${name}${JSON.stringify(labels)}`);
  return found[0]!.value;
}
