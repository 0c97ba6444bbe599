import type { Diagnostic } from '../../errors/diagnostic.js';
import { PredictdError } from '../../errors/predictd-error.js';
import type { Statement } from '../ast/statement.js';
import { parseScript } from '../parser/parse-script.js';
import type { Comment, Token } from '../token.js';
import { tokenize } from '../tokenizer.js';
import type { ColumnDef } from '../ast/column-def.js';
import type { OptionNode } from '../ast/option-node.js';
import { printStatement, type AttachedComments, type CommentLookup } from './print-statement.js';
import { sameAst } from './strip-spans.js';

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  /** The file does not parse: nothing is formatted, the diagnostics say why. */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * A statement with the comments around it. `leading` sit on their own lines before it, `trailing`
 * start on the line where it ends (after its `;`), `inner` are inside it.
 */
interface Piece {
  readonly statement: Statement | undefined;
  /** From the statement's first token to its `;` (or last token when the `;` is missing). */
  readonly start: number;
  readonly end: number;
  readonly leading: Comment[];
  readonly trailing: Comment[];
  readonly inner: Comment[];
}

const BLANK_LINE = /\n[ \t\r\f\v]*\n/;

/**
 * `predictd fmt`: the printer's canonical text for each statement, with every comment kept.
 *
 * Comments between statements stay where they are: a comment that starts on the line a statement
 * ends on stays at the end of that line, any other one goes on its own line before the next
 * statement (or at the end of the file), and a blank line around it is kept (one at most).
 * Inside a statement, a comment goes with the WITH option or CREATE TABLE column it follows on
 * the same line, or stands directly above (the lines the printer gives each of them). A statement
 * with any other comment inside is left exactly as written: the AST has no place for comments,
 * and moving one to a guessed clause could change what it describes.
 *
 * Statements are separated by one blank line and end with `;`; the file ends with one newline.
 * The result is checked before it is returned: it must parse to the same statements and hold
 * the same comments, else this throws instead of handing back a text that would lose something.
 */
export function formatScript(source: string, file: string): FormatResult {
  const parsed = parseScript(source, file);
  if (parsed.diagnostics.length > 0) return { ok: false, diagnostics: parsed.diagnostics };
  const { tokens, comments } = tokenize(source);
  const text = render(source, pieces(parsed.statements, tokens, comments, source), tokens);
  verify(text, parsed.statements, comments, file);
  return { ok: true, text };
}

/** Splits the file into statements (plus a last piece without one, for comments after the last statement). */
function pieces(statements: readonly Statement[], tokens: readonly Token[], comments: readonly Comment[], source: string): Piece[] {
  const out: Piece[] = statements.map((statement) => {
    const end = endWithSemicolon(statement.span.end, tokens);
    return { statement, start: statement.span.start, end, leading: [], trailing: [], inner: [] };
  });
  out.push({ statement: undefined, start: source.length, end: source.length, leading: [], trailing: [], inner: [] });
  let i = 0;
  for (const comment of comments) {
    while (comment.span.start >= out[i]!.end && out[i]!.statement) i++;
    const piece = out[i]!;
    if (comment.span.start >= piece.start && piece.statement) piece.inner.push(comment);
    else if (i > 0 && endsOnLineOf(out[i - 1]!, comment, source)) out[i - 1]!.trailing.push(comment);
    else piece.leading.push(comment);
  }
  return out;
}

/** The end of the `;` that closes a statement ending at `end`, or `end` when none follows. */
function endWithSemicolon(end: number, tokens: readonly Token[]): number {
  const next = tokens.find((t) => t.span.start >= end);
  return next && next.kind === 'symbol' && next.value === ';' ? next.span.end : end;
}

/** True when only spaces separate the comment from the piece's end (or from its last trailing comment). */
function endsOnLineOf(piece: Piece, comment: Comment, source: string): boolean {
  const from = piece.trailing.at(-1)?.span.end ?? piece.end;
  return /^[ \t]*$/.test(source.slice(from, comment.span.start));
}

function render(source: string, all: readonly Piece[], tokens: readonly Token[]): string {
  const blocks: string[] = [];
  let previousEnd = -1;
  for (const piece of all) {
    let block = '';
    let from = previousEnd;
    for (const comment of piece.leading) {
      block += separator(source, from, comment.span.start, block === '' && previousEnd >= 0) + comment.text;
      from = comment.span.end;
    }
    if (piece.statement) {
      block += separator(source, from, piece.start, block === '' && previousEnd >= 0) + statementText(source, piece, tokens);
      for (const comment of piece.trailing) block += ` ${comment.text}`;
      previousEnd = piece.trailing.at(-1)?.span.end ?? piece.end;
    }
    blocks.push(block);
  }
  const text = blocks.join('');
  return text === '' ? '' : `${text}\n`;
}

/**
 * What goes before the next item: nothing at the start of the file, a blank line after a
 * statement, else a line break, or a blank line where the source had one.
 */
function separator(source: string, from: number, to: number, afterStatement: boolean): string {
  if (from < 0) return '';
  if (afterStatement) return '\n\n';
  return BLANK_LINE.test(source.slice(from, to)) ? '\n\n' : '\n';
}

function statementText(source: string, piece: Piece, tokens: readonly Token[]): string {
  if (piece.inner.length === 0) return `${printStatement(piece.statement!)};`;
  const attached = attach(piece, tokens, source);
  if (attached) return `${printStatement(piece.statement!, (node) => attached.get(node))};`;
  const written = source.slice(piece.start, piece.end);
  return written.endsWith(';') ? written : `${written};`;
}

/** What the printer puts on a line of its own, so a comment can go with it. */
function anchorsOf(statement: Statement): Array<OptionNode | ColumnDef> {
  switch (statement.kind) {
    case 'CreateTableNode':
      return [...statement.columns, ...(statement.options ?? [])];
    case 'CreateModelNode':
    case 'CreateConnectionNode':
    case 'AlterModelSetNode':
      return [...statement.options];
    default:
      return [];
  }
}

/**
 * Attaches each comment inside a statement to a column or WITH option: to the one it follows on
 * the same line (with at most the separating comma between), else to the one it directly precedes
 * (nothing but space between). undefined when a comment fits neither: the statement stays verbatim.
 */
function attach(piece: Piece, tokens: readonly Token[], source: string): Map<OptionNode | ColumnDef, AttachedComments> | undefined {
  const anchors = anchorsOf(piece.statement!).sort((a, b) => a.span.start - b.span.start);
  const out = new Map<OptionNode | ColumnDef, { leading: string[]; trailing: string[] }>();
  const slot = (node: OptionNode | ColumnDef) => {
    let s = out.get(node);
    if (!s) out.set(node, (s = { leading: [], trailing: [] }));
    return s;
  };
  const lastEnd = new Map<OptionNode | ColumnDef, number>();
  for (const comment of piece.inner) {
    const before = anchors.filter((a) => a.span.end <= comment.span.start).at(-1);
    const after = anchors.find((a) => a.span.start >= comment.span.end);
    if (before && followsOnLine(before, lastEnd.get(before) ?? before.span.end, comment, tokens, source)) {
      slot(before).trailing.push(comment.text);
      lastEnd.set(before, comment.span.end);
    } else if (after && between(tokens, comment.span.end, after.span.start).length === 0) {
      slot(after).leading.push(comment.text);
    } else {
      return undefined;
    }
  }
  return out;
}

/** The comment starts on the line where `from` is, with at most a `,` (the anchor's) in between. */
function followsOnLine(anchor: OptionNode | ColumnDef, from: number, comment: Comment, tokens: readonly Token[], source: string): boolean {
  const gap = between(tokens, anchor.span.end, comment.span.start);
  if (gap.length > 1 || (gap.length === 1 && gap[0]!.value !== ',')) return false;
  return !source.slice(from, comment.span.start).includes('\n');
}

function between(tokens: readonly Token[], start: number, end: number): Token[] {
  return tokens.filter((t) => t.kind !== 'eof' && t.span.start >= start && t.span.end <= end);
}

/** The guard that makes `fmt` safe to run on any file: same statements, same comments, or no output. */
function verify(text: string, statements: readonly Statement[], comments: readonly Comment[], file: string): void {
  const again = parseScript(text, file);
  const problem =
    again.diagnostics.length > 0
      ? `the formatted text does not parse (${again.diagnostics[0]!.message})`
      : !sameAst(again.statements, statements)
        ? 'the formatted text parses to different statements'
        : !sameComments(tokenize(text).comments, comments)
          ? 'the formatted text does not hold the same comments'
          : undefined;
  if (problem) throw new FormatterError(`${file}: cannot format: ${problem}; the file is left as it is (a predictd bug worth reporting, with the file)`);
}

function sameComments(a: readonly Comment[], b: readonly Comment[]): boolean {
  return a.length === b.length && a.every((c, i) => c.text === b[i]!.text);
}

/** The formatter refused its own output (PD5105): callers must not write it. */
export class FormatterError extends PredictdError {
  constructor(message: string) {
    super('PD5105', message);
  }
}
