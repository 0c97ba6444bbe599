/** A text encoding both ways, by its Java name (`raw.charset`). */
export interface Charset {
  readonly name: string;
  decode(bytes: Uint8Array): string;
  encode(text: string): Uint8Array;
}

/**
 * A format's text as UTF-8 bytes, for every record a sink writes. Not TextEncoder: it allocates
 * an ArrayBuffer per record, where Buffer.from slices short texts out of Node's shared pool (the
 * Kafka sink hands the bytes to kafkajs, which copies them into its request).
 */
export function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

const viaBuffer = (name: string, enc: BufferEncoding): Charset => ({
  name,
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(enc),
  encode: (text) => Buffer.from(text, enc),
});

const utf16be: Charset = {
  name: 'UTF-16BE',
  decode: (bytes) => new TextDecoder('utf-16be').decode(bytes),
  encode: (text) => {
    const le = Buffer.from(text, 'utf16le');
    return new Uint8Array(le.swap16());
  },
};

const CHARSETS: ReadonlyMap<string, Charset> = new Map([
  ['utf-8', viaBuffer('UTF-8', 'utf8')],
  ['utf8', viaBuffer('UTF-8', 'utf8')],
  ['utf-16le', viaBuffer('UTF-16LE', 'utf16le')],
  ['utf-16be', utf16be],
  ['iso-8859-1', viaBuffer('ISO-8859-1', 'latin1')],
  ['latin1', viaBuffer('ISO-8859-1', 'latin1')],
  ['us-ascii', viaBuffer('US-ASCII', 'ascii')],
  ['ascii', viaBuffer('US-ASCII', 'ascii')],
]);

export const SUPPORTED_CHARSETS = ['UTF-8', 'UTF-16LE', 'UTF-16BE', 'ISO-8859-1', 'US-ASCII'] as const;

export function charsetByName(name: string): Charset | undefined {
  return CHARSETS.get(name.trim().toLowerCase());
}
