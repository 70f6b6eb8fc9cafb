// Bridges between JSON text, jsonc-parser's syntax tree, RFC 6901 pointers and VS Code-style text ranges,
// so that every diagnostic can name both the place in the document (pointer) and its exact characters.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { TextPosition, TextRange } from './types';

export type JsonPath = (string | number)[];

/** Maps offsets to 0-based line/character; built once per text because lookups happen per diagnostic. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  position(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.lineStarts[lo] };
  }

  range(offset: number, length: number): TextRange {
    return { start: this.position(offset), end: this.position(offset + length) };
  }

  nodeRange(node: Node): TextRange {
    return this.range(node.offset, node.length);
  }
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function toPointer(path: JsonPath): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value node at `pointer`; array indices are given as decimal segments. */
export function nodeAtPointer(root: Node, pointer: string): Node | undefined {
  const path: JsonPath = [];
  let node: Node | undefined = root;
  for (const segment of fromPointer(pointer)) {
    if (!node) return undefined;
    const key: string | number = node.type === 'array' && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(key);
    node = findNodeAtLocation(root, path);
  }
  return node;
}

/** For a value inside an object, the node of its key (the string before the colon). */
export function keyNodeOf(valueNode: Node): Node | undefined {
  const property = valueNode.parent;
  if (property?.type !== 'property' || property.children?.[1] !== valueNode) return undefined;
  return property.children[0];
}

/** The `[key, value]` pairs of an object node in document order (duplicates kept). */
export function objectEntries(node: Node): { key: string; keyNode: Node; valueNode: Node }[] {
  const out: { key: string; keyNode: Node; valueNode: Node }[] = [];
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode && valueNode) out.push({ key: String(keyNode.value), keyNode, valueNode });
  }
  return out;
}

export interface SyntaxProblem {
  message: string;
  offset: number;
  length: number;
}

export interface ParsedJson {
  root: Node | undefined;
  /** Empty when the text is valid JSON. Comments and trailing commas are errors (the peer's `json` rejects them). */
  problems: SyntaxProblem[];
}

export function parseStrictJson(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  return { root, problems: describeSyntaxErrors(text, errors) };
}

/**
 * jsonc-parser reports one root cause followed by cascades from its recovery; we keep the first error and every
 * comment (each comment is its own, independent mistake).
 */
function describeSyntaxErrors(text: string, errors: ParseError[]): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  let sawOther = false;
  for (const e of errors) {
    const code = printParseErrorCode(e.error);
    if (code === 'InvalidCommentToken') {
      out.push({ message: 'comments are not allowed in JSON', offset: e.offset, length: e.length });
      continue;
    }
    if (sawOther) continue;
    sawOther = true;
    out.push(describeOne(text, code, e));
  }
  return out;
}

function describeOne(text: string, code: string, e: ParseError): SyntaxProblem {
  const found =
    e.length > 0 ? `'${text.slice(e.offset, e.offset + Math.min(e.length, 20))}'` : 'the end of the file';
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && /^[}\]]/.test(text.slice(e.offset))) {
    const comma = previousNonSpace(text, e.offset);
    if (comma >= 0 && text[comma] === ',') {
      return {
        message: `trailing comma before '${text[e.offset]}' is not allowed in JSON`,
        offset: comma,
        length: 1,
      };
    }
  }
  if (code === 'ValueExpected' && text.trim() === '') {
    return { message: 'the file is empty: expected a JSON object', offset: 0, length: 0 };
  }
  const expected: Record<string, string> = {
    InvalidSymbol: 'a JSON value (string, number, object, array, true, false or null)',
    InvalidNumberFormat: 'a number',
    PropertyNameExpected: 'a property name in double quotes',
    ValueExpected: 'a value',
    ColonExpected: "':'",
    CommaExpected: "',' or the end of the object/array",
    CloseBraceExpected: "'}'",
    CloseBracketExpected: "']'",
    EndOfFileExpected: 'the end of the file',
    UnexpectedEndOfComment: "'*/'",
    UnexpectedEndOfString: "a closing '\"' on the same line",
    UnexpectedEndOfNumber: 'more digits',
    InvalidUnicode: 'a \\uXXXX escape with four hex digits',
    InvalidEscapeCharacter: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
    InvalidCharacter: 'no control characters inside a string',
  };
  return {
    message: `invalid JSON: expected ${expected[code] ?? code}, found ${found}`,
    offset: e.offset,
    length: e.length,
  };
}

function previousNonSpace(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i;
}

/** A short, readable rendering of a found value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s = JSON.stringify(value);
  if (s.length > 40) s = s.slice(0, 37) + '...';
  return s;
}

export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
