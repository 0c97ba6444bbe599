import type { CatalogEntry, ConnectionEntry, ModelEntry, TableEntry, ViewEntry } from './catalog-entries.js';

type Namespace = 'relation' | 'model' | 'connection';

function namespaceOf(entry: CatalogEntry): Namespace {
  return entry.kind === 'table' || entry.kind === 'view' ? 'relation' : entry.kind;
}

/**
 * The objects one job file declares. Tables and views share a namespace, models and
 * connections have their own (as in Flink). A TEMPORARY object shadows a permanent one of the
 * same name; DROP TEMPORARY removes only the temporary one.
 */
export class Catalog {
  readonly #permanent = new Map<string, CatalogEntry>();
  readonly #temporary = new Map<string, CatalogEntry>();
  /** Names whose CREATE failed with reported errors: later references to them report nothing more. */
  readonly #failed = new Set<string>();
  /** `SET 'key' = 'value'` statements, in effect for the statements after them. */
  readonly settings = new Map<string, string>();

  static key(ns: Namespace, name: string): string {
    return `${ns}:${name}`;
  }

  lookup(ns: Namespace, name: string): CatalogEntry | undefined {
    const k = Catalog.key(ns, name);
    return this.#temporary.get(k) ?? this.#permanent.get(k);
  }

  exists(ns: Namespace, name: string, temporary: boolean): boolean {
    return (temporary ? this.#temporary : this.#permanent).has(Catalog.key(ns, name));
  }

  /** The entry of exactly this scope (temporary or permanent), without shadowing. */
  find(ns: Namespace, name: string, temporary: boolean): CatalogEntry | undefined {
    return (temporary ? this.#temporary : this.#permanent).get(Catalog.key(ns, name));
  }

  add(entry: CatalogEntry & { temporary?: boolean }): void {
    const map = entry.kind !== 'connection' && entry.temporary ? this.#temporary : this.#permanent;
    const k = Catalog.key(namespaceOf(entry), entry.name);
    map.set(k, entry);
    this.#failed.delete(k);
  }

  /** Records that CREATE of this name failed (its errors were reported), so uses of it do not cascade. */
  markFailed(ns: Namespace, name: string): void {
    const k = Catalog.key(ns, name);
    if (!this.#temporary.has(k) && !this.#permanent.has(k)) this.#failed.add(k);
  }

  /** True when the name is unknown only because its CREATE failed. */
  failed(ns: Namespace, name: string): boolean {
    return this.#failed.has(Catalog.key(ns, name));
  }

  /** Removes and returns the entry DROP [TEMPORARY] would remove. */
  drop(ns: Namespace, name: string, temporary: boolean): CatalogEntry | undefined {
    const map = temporary ? this.#temporary : this.#permanent;
    const k = Catalog.key(ns, name);
    const entry = map.get(k);
    map.delete(k);
    return entry;
  }

  relation(name: string): TableEntry | ViewEntry | undefined {
    return this.lookup('relation', name) as TableEntry | ViewEntry | undefined;
  }

  model(name: string): ModelEntry | undefined {
    return this.lookup('model', name) as ModelEntry | undefined;
  }

  connection(name: string): ConnectionEntry | undefined {
    return this.lookup('connection', name) as ConnectionEntry | undefined;
  }

  /** Visible objects (temporary ones shadowing permanent ones), sorted by name. */
  entries(ns?: Namespace): CatalogEntry[] {
    const seen = new Map<string, CatalogEntry>();
    for (const [k, e] of this.#permanent) seen.set(k, e);
    for (const [k, e] of this.#temporary) seen.set(k, e);
    return [...seen.values()].filter((e) => !ns || namespaceOf(e) === ns).sort((a, b) => a.name.localeCompare(b.name));
  }

  names(ns: Namespace): string[] {
    return this.entries(ns).map((e) => e.name);
  }
}
