import type { ChatSettings } from '../openai/chat-body.js';
import { csvFormat } from './csv-format.js';
import { jsonArrayFormat, jsonFormat } from './json-format.js';
import { openAIChatFormat } from './openai-chat-format.js';
import { azureMLTensorFormat, pandasDataFrameFormat } from './pandas-dataframe-format.js';
import type { TabularFormat } from './tabular-format.js';
import { textFormat } from './text-format.js';
import { tfServingColumnFormat } from './tf-serving-column-format.js';
import { tfServingFormat } from './tf-serving-format.js';
import { tritonFormat } from './triton-format.js';

/** What a format may need from the model beyond its columns: the chat settings of the LLM formats. */
export interface FormatSettings {
  readonly chat: ChatSettings;
}

type Make = (settings: FormatSettings) => TabularFormat;

const FIXED = (format: TabularFormat): Make => () => format;

/**
 * The registry of Confluent's non-provider-specific input/output formats, by the names users write
 * (aliases included: `KSERVE-V1` is `TF-SERVING`, `KSERVE-V2` is `TRITON`). `JSON:<key>` is the
 * JSON format wrapped under `<key>`.
 */
const FORMATS: Readonly<Record<string, Make>> = Object.freeze({
  CSV: FIXED(csvFormat),
  JSON: FIXED(jsonFormat()),
  'JSON-ARRAY': FIXED(jsonArrayFormat),
  'TF-SERVING': FIXED(tfServingFormat),
  'KSERVE-V1': FIXED(tfServingFormat),
  'TF-SERVING-COLUMN': FIXED(tfServingColumnFormat),
  TRITON: FIXED(tritonFormat),
  'KSERVE-V2': FIXED(tritonFormat),
  'PANDAS-DATAFRAME': FIXED(pandasDataFrameFormat('mlflow')),
  'AZUREML-PANDAS-DATAFRAME': FIXED(pandasDataFrameFormat('azureml')),
  'AZUREML-TENSOR': FIXED(azureMLTensorFormat),
  TEXT: FIXED(textFormat),
  'OPENAI-CHAT': (s) => openAIChatFormat(s.chat),
});

/** Every name `tabularFormat` knows, for option docs and did-you-mean hints (`JSON:<key>` besides). */
export const TABULAR_FORMAT_NAMES: readonly string[] = Object.freeze(Object.keys(FORMATS));

/** The format a user's name (any case) stands for, or undefined for an unknown name. */
export function tabularFormat(name: string, settings: FormatSettings): TabularFormat | undefined {
  const upper = name.trim().toUpperCase();
  const wrapped = /^JSON:(.+)$/i.exec(name.trim());
  if (wrapped) return jsonFormat(wrapped[1]!);
  return FORMATS[upper]?.(settings);
}

/** Whether `name` names a format, without building it. */
export function isTabularFormatName(name: string): boolean {
  return /^JSON:.+$/i.test(name.trim()) || Object.hasOwn(FORMATS, name.trim().toUpperCase());
}
