/** A text encoding both ways, by its Java name (`raw.charset`). */
export interface Charset {
  readonly name: string;
  decode(bytes: Uint8Array): string;
  encode(text: string): Uint8Array;
}

const viaBuffer = (name: string, enc: BufferEncoding): Charset => ({
  name,
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(enc),
  encode: (text) => new Uint8Array(Buffer.from(text, enc)),
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
