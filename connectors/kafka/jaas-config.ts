export interface JaasConfig {
  /** e.g. 'org.apache.kafka.common.security.plain.PlainLoginModule'. */
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Parses a Kafka `sasl.jaas.config` value: `<LoginModule> <flag> key="value" key2=value2;`.
 * Values may be double-quoted with backslash escapes. Error messages never echo values.
 */
export function parseJaasConfig(text: string): JaasConfig {
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  const word = (): string => {
    skipSpace();
    const start = i;
    while (i < n && /[^\s=;"]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const loginModule = word();
  const flag = word();
  if (!loginModule || !/^(required|requisite|sufficient|optional)$/i.test(flag)) {
    throw new Error("sasl.jaas.config: expected '<LoginModule> required key=\"value\" ...;'");
  }
  const options: Record<string, string> = {};
  for (;;) {
    skipSpace();
    if (i >= n || text[i] === ';') break;
    const key = word();
    skipSpace();
    if (!key || text[i] !== '=') throw new Error(`sasl.jaas.config: expected 'key=value' at position ${i}`);
    i++;
    skipSpace();
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i];
        i++;
      }
      if (i >= n) throw new Error(`sasl.jaas.config: the value of '${key}' has no closing quote`);
      i++;
    } else {
      value = word();
    }
    options[key] = value;
  }
  skipSpace();
  if (i < n && text[i] === ';') i++;
  skipSpace();
  if (i < n) throw new Error('sasl.jaas.config: unexpected text after the closing semicolon');
  return { loginModule, flag: flag.toLowerCase(), options };
}
