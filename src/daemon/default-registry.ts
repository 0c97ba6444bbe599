import { Registry } from '../spi/registry.js';
import { registerFormats } from '../formats/register-formats.js';
import { registerProviders } from '../providers/index.js';
import { register as registerKafka } from '../../connectors/kafka/index.js';
import { register as registerPrint } from '../../connectors/print/print-connector.js';
import { register as registerDatagen } from '../../connectors/datagen/datagen-connector.js';
import { register as registerMilvus } from '../../connectors/milvus/index.js';

/** Every connector, format and provider predictd ships. */
export function createDefaultRegistry(): Registry {
  const registry = new Registry();
  registerFormats(registry);
  registerKafka(registry);
  registerPrint(registry);
  registerDatagen(registry);
  registerMilvus(registry);
  registerProviders(registry);
  return registry;
}
