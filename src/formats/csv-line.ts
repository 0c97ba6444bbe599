import { FormatError } from '../spi/format.js';

export interface CsvDialect {
  readonly delimiter: string;
  /** Undefined when quoting is disabled (`csv.disable-quote-character`). */
  readonly quote: string | undefined;
  readonly escape: string | undefined;
}

/**
 * Splits one CSV record (RFC 4180 quoting, quotes doubled inside quoted fields, an optional
 * escape character) into field texts. A trailing line break is allowed; a second record is not.
 */
export function parseCsvRecord(text: string, d: CsvDialect): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let field = '';
    if (d.quote !== undefined && text[i] === d.quote) {
      i++;
      for (;;) {
        if (i >= n) throw new FormatError('invalid CSV: a quoted field is not closed');
        const c = text[i]!;
        if (d.escape !== undefined && c === d.escape && i + 1 < n) {
          field += text[i + 1];
          i += 2;
        } else if (c === d.quote) {
          if (text[i + 1] === d.quote) {
            field += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += c;
          i++;
        }
      }
      if (i < n && text[i] !== d.delimiter && text[i] !== '\n' && text[i] !== '\r') {
        throw new FormatError(`invalid CSV: unexpected ${JSON.stringify(text[i])} after a closing quote`);
      }
    } else {
      while (i < n) {
        const c = text[i]!;
        if (c === d.delimiter || c === '\n' || c === '\r') break;
        if (d.escape !== undefined && c === d.escape && i + 1 < n) {
          field += text[i + 1];
          i += 2;
        } else {
          field += c;
          i++;
        }
      }
    }
    fields.push(field);
    if (i < n && text[i] === d.delimiter) {
      i++;
      continue;
    }
    break;
  }
  if (text.slice(i).replace(/^\r?\n|^\r/, '').length > 0) {
    throw new FormatError('invalid CSV: the message holds more than one line');
  }
  return fields;
}

/** Joins field texts into one record, quoting only the fields that need it; no line break. */
export function writeCsvRecord(fields: readonly string[], d: CsvDialect): string {
  return fields.map((f) => writeField(f, d)).join(d.delimiter);
}

function writeField(f: string, d: CsvDialect): string {
  const special = f.includes(d.delimiter) || f.includes('\n') || f.includes('\r') || (d.quote !== undefined && f.includes(d.quote));
  if (!special && !(d.escape !== undefined && f.includes(d.escape))) return f;
  if (d.quote !== undefined) {
    let body = f.split(d.quote).join(d.quote + d.quote);
    if (d.escape !== undefined && d.escape !== d.quote) body = body.split(d.escape).join(d.escape + d.escape);
    return d.quote + body + d.quote;
  }
  if (d.escape === undefined) {
    throw new FormatError('cannot write a CSV field containing the delimiter or a line break without a quote or escape character');
  }
  let out = '';
  for (const c of f) out += c === d.delimiter || c === d.escape || c === '\n' || c === '\r' ? d.escape + c : c;
  return out;
}
