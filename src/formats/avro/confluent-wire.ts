import { FormatError } from '../../spi/format.js';

/** Confluent's wire format: magic byte 0, the writer schema's id (4 bytes, big-endian), then the Avro binary. */
const MAGIC = 0;
const HEADER = 5;

export function readSchemaId(bytes: Uint8Array): number {
  if (bytes.length < HEADER || bytes[0] !== MAGIC) {
    throw new FormatError(`not in the Confluent wire format (magic byte 0 and a 4-byte schema id): ${bytes.length} bytes starting ${bytes[0] ?? 'with nothing'}`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
}

export function payloadOf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(HEADER);
}

export function withHeader(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = MAGIC;
  new DataView(out.buffer).setUint32(1, id);
  out.set(payload, HEADER);
  return out;
}
