/**
 * The grammar of references in WITH values, in one place: `${NAME}` reads an environment variable,
 * `${file:PATH}` the content of a file. The daemon substitutes them once, when a job binds, before
 * any connector, format or provider sees the options; checks that run earlier (the catalog's) use
 * `hasOptionRefs` to leave such values alone, since their final text is not known yet.
 *
 * There is no escape: Kafka's config providers and Flink have none either. Text that is not a
 * reference (`${ x }`, `$NAME`, `${1}`) stays as written.
 */
export type OptionRef = { readonly kind: 'env'; readonly name: string } | { readonly kind: 'file'; readonly path: string };

const REF = /\$\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*))\}/g;

/** The references in a value, in order (repeats included). */
export function optionRefs(value: string): OptionRef[] {
  return [...value.matchAll(REF)].map((m) => (m[1] !== undefined ? { kind: 'file', path: m[1] } : { kind: 'env', name: m[2]! }));
}

export function hasOptionRefs(value: string): boolean {
  REF.lastIndex = 0;
  return REF.test(value);
}

/** Replaces every reference with what `resolve` answers for it. */
export function substituteOptionRefs(value: string, resolve: (ref: OptionRef) => string): string {
  return value.replace(REF, (_match, path: string | undefined, name: string | undefined) => resolve(path !== undefined ? { kind: 'file', path } : { kind: 'env', name: name! }));
}

/** How a reference is written, for messages: never its value. */
export function describeOptionRef(ref: OptionRef): string {
  return ref.kind === 'env' ? `the environment variable ${ref.name}` : `the file ${ref.path}`;
}
