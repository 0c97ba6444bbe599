import type { QualifiedNameNode } from '../ast/qualified-name-node.js';
import { needsQuoting } from '../keywords.js';

/** A name, back-quoted only when it would not read back as the same identifier. */
export function printIdentifier(name: string, objectName = false): string {
  return needsQuoting(name, objectName) ? `\`${name.replaceAll('`', '``')}\`` : name;
}

/** `cat.db.name`; `objectName` keeps Confluent's unquoted `my-connection` style names. */
export function printQualifiedName(name: QualifiedNameNode, objectName = false): string {
  return name.parts.map((part) => printIdentifier(part.name, objectName)).join('.');
}

export function printString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
