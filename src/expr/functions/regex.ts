/**
 * Java regular expressions in JavaScript. The syntax Flink users write (classes, groups,
 * quantifiers, anchors, `(?i)` at the start) is the same; a leading inline flag group becomes
 * a JS flag. A pattern JS cannot compile is reported as undefined.
 */
const cache = new Map<string, RegExp | null>();

export function javaRegex(pattern: string, global = false): RegExp | undefined {
  const key = `${global ? 'g' : '-'}${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    if (cache.size > 512) cache.clear();
    re = compile(pattern, global);
    cache.set(key, re);
  }
  return re ?? undefined;
}

function compile(pattern: string, global: boolean): RegExp | null {
  let flags = global ? 'g' : '';
  let source = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]) if (f !== 'x' && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/** Java's Matcher replacement text (`$1`, `${name}`, `\$`) as a JS replacement string. */
export function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i];
    if (ch === '\\' && i + 1 < replacement.length) {
      const next = replacement[++i];
      out += next === '$' ? '$$' : next;
    } else if (ch === '$' && replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i);
      out += `$<${replacement.slice(i + 2, end)}>`;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}
