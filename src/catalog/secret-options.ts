import type { ConfigSpec } from '../spi/config-spec.js';
import type { CatalogContext } from './catalog-context.js';

/**
 * The one secret rule: an option is a secret when a spec the daemon knows declares it `secret`
 * (a connector's, a format's under each prefix it is written with, or a provider's model spec,
 * which CREATE CONNECTION options feed). SHOW CREATE, the source lines quoted by errors, the
 * logger's redaction of logged objects, the log scrubber (fed by the `${...}` resolver) and the
 * admin API through it all ask this set; nothing goes by the look of a name.
 */
export function secretOptionKeys(ctx: Pick<CatalogContext, 'registry' | 'modelSpec'>): ReadonlySet<string> {
  const cached = CACHE.get(ctx.registry);
  if (cached) return cached;
  const keys = new Set<string>();
  const { registry } = ctx;
  for (const name of registry.connectorNames()) addSecrets(keys, registry.connector(name)!.spec, ['']);
  for (const name of registry.formatNames()) {
    const format = registry.format(name)!;
    addSecrets(keys, format.spec, [`${format.name}.`, `key.${format.name}.`, `value.${format.name}.`]);
  }
  for (const name of registry.providerNames()) addSecrets(keys, ctx.modelSpec(registry.provider(name)!), ['']);
  const frozen: ReadonlySet<string> = keys;
  CACHE.set(ctx.registry, frozen);
  return frozen;
}

/** Registries are built once per daemon (or test) and not changed after the first job compiles. */
const CACHE = new WeakMap<object, ReadonlySet<string>>();

function addSecrets(into: Set<string>, spec: ConfigSpec, prefixes: readonly string[]): void {
  for (const o of spec.options) {
    if (!o.secret) continue;
    for (const key of [o.key, ...(o.aliases ?? [])]) for (const prefix of prefixes) into.add(prefix + key);
  }
}
