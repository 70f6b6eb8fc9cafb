// Structural checks driven by the shipped JSON Schema itself, so that what VS Code completes and what the
// validator reports cannot drift apart. It interprets the draft-07 subset the schema uses and words every
// message as "expected ..., found ...".

import { getNodeValue, type Node } from 'jsonc-parser';
import {
  describeValue,
  jsonTypeOf,
  objectEntries,
  toPointer,
  type JsonPath,
  type LineIndex,
} from './jsonText';
import { closest, didYouMean, quoteList } from './suggest';
import type { Diagnostic, DiagnosticFix } from './types';

export interface SchemaNode {
  $ref?: string;
  title?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
}

/** `rootName` names the whole document in messages ("the config", "the manifest"). */
export function checkAgainstSchema(
  root: Node,
  schema: SchemaNode,
  lines: LineIndex,
  rootName = 'the config',
): Diagnostic[] {
  const checker = new SchemaChecker(schema, lines, rootName);
  checker.check(root, schema, []);
  return checker.diagnostics;
}

class SchemaChecker {
  diagnostics: Diagnostic[] = [];

  constructor(
    private readonly rootSchema: SchemaNode,
    private readonly lines: LineIndex,
    private readonly rootName: string,
  ) {}

  check(node: Node, schemaIn: SchemaNode, path: JsonPath): void {
    const schema = this.deref(schemaIn);
    const value: unknown = getNodeValue(node);
    if (schema.oneOf) {
      const branch = schema.oneOf.map((s) => this.deref(s)).find((s) => typeMatches(value, s.type));
      if (!branch) {
        const wanted = schema.oneOf.map((s) => typeWords(this.deref(s).type)).join(' or ');
        this.error(node, path, `expected ${wanted}, found ${describeValue(value)}`);
        return;
      }
      this.check(node, branch, path);
    }
    if (schema.type !== undefined && !typeMatches(value, schema.type)) {
      this.error(
        node,
        path,
        `expected ${typeWords(schema.type)}${rangeWords(schema)}, found ${describeValue(value)}`,
      );
      return;
    }
    if (schema.const !== undefined && value !== schema.const) {
      this.error(node, path, `expected ${describeValue(schema.const)}, found ${describeValue(value)}`);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) {
      const options = schema.enum.map((e) => String(e));
      const hint = typeof value === 'string' ? didYouMean(value, options) : '';
      this.error(node, path, `expected one of ${quoteList(options)}, found ${describeValue(value)}${hint}`);
      return;
    }
    if (typeof value === 'number' && !numberInRange(value, schema)) {
      this.error(
        node,
        path,
        `expected ${typeWords(schema.type)}${rangeWords(schema)}, found ${describeValue(value)}`,
      );
      return;
    }
    if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) {
      this.error(node, path, `expected a non-empty string, found ""`);
      return;
    }
    if (node.type === 'array') this.checkArray(node, schema, path);
    if (node.type === 'object') this.checkObject(node, schema, path);
    for (const part of schema.allOf ?? []) {
      if (part.if && part.then) {
        if (this.matchesSilently(node, part.if, path)) this.check(node, part.then, path);
      } else {
        this.check(node, part, path);
      }
    }
  }

  private checkArray(node: Node, schema: SchemaNode, path: JsonPath): void {
    const items = node.children ?? [];
    const count = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
    if (schema.minItems !== undefined && items.length < schema.minItems) {
      const exactly = schema.maxItems === schema.minItems ? 'exactly' : 'at least';
      this.error(node, path, `expected ${exactly} ${count(schema.minItems)}, found ${items.length}`);
    } else if (schema.maxItems !== undefined && items.length > schema.maxItems) {
      const atMost = schema.maxItems === schema.minItems ? 'exactly' : 'at most';
      this.error(node, path, `expected ${atMost} ${count(schema.maxItems)}, found ${items.length}`);
    }
    if (schema.items) items.forEach((child, i) => this.check(child, schema.items!, [...path, i]));
    if (schema.uniqueItems) {
      const seen = new Map<string, number>();
      items.forEach((child, i) => {
        const key = JSON.stringify(getNodeValue(child));
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else
          this.error(
            child,
            [...path, i],
            `duplicate entry ${key} (already at index ${first}): expected distinct values`,
          );
      });
    }
  }

  private checkObject(node: Node, schema: SchemaNode, path: JsonPath): void {
    const entries = objectEntries(node);
    const present = new Set(entries.map((e) => e.key));
    for (const key of schema.required ?? []) {
      if (!present.has(key)) {
        const where = path.length === 0 ? this.rootName : (schema.title ?? toPointer(path));
        this.error(node, path, `${where}: missing required key '${key}'`);
      }
    }
    if (schema.minProperties !== undefined && entries.length < schema.minProperties) {
      this.error(node, path, `expected at least ${schema.minProperties} entry, found an empty object`);
    }
    const known = Object.keys(schema.properties ?? {});
    for (const { key, keyNode, valueNode } of entries) {
      const childPath = [...path, key];
      const propertySchema = schema.properties?.[key];
      if (propertySchema) {
        this.check(valueNode, propertySchema, childPath);
      } else if (schema.additionalProperties === false) {
        const where =
          path.length === 0 ? this.rootName : `${schema.title ?? 'this object'} (${toPointer(path)})`;
        const guess = closest(key, known);
        const fixes = guess
          ? [
              {
                title: `Rename to '${guess}'`,
                edits: [{ range: this.lines.nodeRange(keyNode), newText: JSON.stringify(guess) }],
              },
            ]
          : undefined;
        // An error, not a warning: a misspelt key would otherwise train with the default it meant to change.
        this.push('error', keyNode, childPath, unknownKeyMessage(key, where, known), fixes);
      } else if (typeof schema.additionalProperties === 'object') {
        this.check(valueNode, schema.additionalProperties, childPath);
      }
    }
  }

  private matchesSilently(node: Node, schema: SchemaNode, path: JsonPath): boolean {
    const saved = this.diagnostics;
    this.diagnostics = [];
    this.check(node, schema, path);
    const ok = this.diagnostics.length === 0;
    this.diagnostics = saved;
    return ok;
  }

  private deref(schema: SchemaNode): SchemaNode {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/definitions/', '');
    const target = this.rootSchema.definitions?.[name];
    if (!target) throw new Error(`schema: unresolved $ref ${schema.$ref}`);
    return this.deref(target);
  }

  private error(node: Node, path: JsonPath, message: string): void {
    this.push('error', node, path, message);
  }

  private push(
    severity: Diagnostic['severity'],
    node: Node,
    path: JsonPath,
    message: string,
    fixes?: DiagnosticFix[],
  ): void {
    const d: Diagnostic = { severity, message, pointer: toPointer(path), range: this.lines.nodeRange(node) };
    if (fixes) d.fixes = fixes;
    this.diagnostics.push(d);
  }
}

export function unknownKeyMessage(key: string, where: string, known: string[]): string {
  return `unknown key '${key}' in ${where}: expected one of ${quoteList(known)}${didYouMean(key, known)}`;
}

function typeMatches(value: unknown, type: string | string[] | undefined): boolean {
  if (type === undefined) return true;
  const types = Array.isArray(type) ? type : [type];
  const actual = jsonTypeOf(value);
  return types.some((t) => t === actual || (t === 'integer' && Number.isInteger(value)));
}

function typeWords(type: string | string[] | undefined): string {
  const words: Record<string, string> = {
    integer: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'an object',
    array: 'an array',
    null: 'null',
  };
  if (type === undefined) return 'a value';
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => words[t] ?? t).join(' or ');
}

function numberInRange(value: number, s: SchemaNode): boolean {
  if (s.minimum !== undefined && value < s.minimum) return false;
  if (s.maximum !== undefined && value > s.maximum) return false;
  if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return false;
  if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return false;
  return true;
}

function rangeWords(s: SchemaNode): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.length ? ' ' + parts.join(' and ') : '';
}
