// "Insert the missing keys with their defaults" for the object around the cursor: makes every default the
// trainer will use visible and editable in the config. The defaults come from the shipped schema, the same
// place the validator and the editor's completion read them from.

import { findNodeAtOffset, getNodePath, getNodeValue, parseTree, type Node } from 'jsonc-parser';
import { LineIndex } from './jsonText';
import type { SchemaNode } from './schemaCheck';
import type { DiagnosticFix } from './types';
import { CONFIG_SCHEMA } from './validate';

type Obj = Record<string, unknown>;

export function insertDefaultsFix(
  text: string,
  offset: number,
  schema: SchemaNode = CONFIG_SCHEMA,
): DiagnosticFix | null {
  const root = parseTree(text);
  if (!root) return null;
  let node: Node | undefined = findNodeAtOffset(root, offset, true);
  while (node && node.type !== 'object') node = node.parent;
  if (!node) return null;
  const path = getNodePath(node);
  const value = getNodeValue(node) as Obj;
  const properties = propertiesAt(schema, getNodeValue(root) as unknown, path);
  if (!properties) return null;
  const missing = Object.entries(properties).filter(
    ([key, s]) => !(key in value) && key !== '$schema' && s.default !== undefined,
  );
  if (missing.length === 0) return null;
  const lines = new LineIndex(text);
  const close = lines.position(node.offset + node.length - 1);
  const children = node.children ?? [];
  const open = lines.position(node.offset);
  const firstChild = children[0] ? lines.position(children[0].offset) : null;
  // Match the object's layout: one key per line when its first key sits on its own line.
  const multiline = firstChild !== null ? firstChild.line > open.line : close.line > open.line;
  const indent = firstChild && multiline ? ' '.repeat(firstChild.character) : ' '.repeat(open.character + 2);
  const entries = missing.map(([key, s]) => `${JSON.stringify(key)}: ${JSON.stringify(s.default)}`);
  let newText: string;
  let at = close;
  if (children.length > 0) {
    const last = children[children.length - 1];
    at = lines.position(last.offset + last.length);
    newText = multiline
      ? entries.map((e) => `,\n${indent}${e}`).join('')
      : entries.map((e) => `, ${e}`).join('');
  } else {
    newText = multiline
      ? `\n${entries.map((e) => `${indent}${e}`).join(',\n')}\n${' '.repeat(open.character)}`
      : ` ${entries.join(', ')} `;
  }
  const where = path.length === 0 ? 'the config' : path.join('.');
  return {
    title: `Insert the defaults missing in ${where} (${missing.map(([k]) => k).join(', ')})`,
    edits: [{ range: { start: at, end: at }, newText }],
  };
}

/** The properties the schema allows at `path`, with the if/then branches that apply to the values there. */
function propertiesAt(
  root: SchemaNode,
  doc: unknown,
  path: (string | number)[],
): Record<string, SchemaNode> | null {
  let schema: SchemaNode | undefined = deref(root, root);
  let value: unknown = doc;
  for (const segment of path) {
    if (!schema) return null;
    const props = merged(root, schema, value);
    const next: SchemaNode | undefined =
      typeof segment === 'number'
        ? schema.items
        : (props[segment] ??
          (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined));
    schema = next ? deref(root, next) : undefined;
    value =
      isObj(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  if (!schema || !isObj(value)) return null;
  return merged(root, schema, value);
}

function merged(root: SchemaNode, schema: SchemaNode, value: unknown): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = deref(root, s);
  for (const part of schema.allOf ?? []) {
    const branch = part.if && part.then ? (matches(part.if, value) ? part.then : undefined) : part;
    if (!branch) continue;
    const target = deref(root, branch);
    Object.assign(out, merged(root, target, value));
  }
  return out;
}

/** Enough of JSON Schema's `if` for the schema's discriminators: required keys and `const` values. */
function matches(condition: SchemaNode, value: unknown): boolean {
  if (!isObj(value)) return false;
  if ((condition.required ?? []).some((k) => !(k in value))) return false;
  return Object.entries(condition.properties ?? {}).every(
    ([k, s]) => !(k in value) || s.const === undefined || s.const === value[k],
  );
}

/** Follows `$ref`, keeping what the referring node adds itself (e.g. a `default` beside the `$ref`). */
function deref(root: SchemaNode, schema: SchemaNode): SchemaNode {
  if (!schema.$ref) return schema;
  const target = root.definitions?.[schema.$ref.replace('#/definitions/', '')];
  if (!target) return schema;
  const { $ref: _ref, ...local } = schema;
  return { ...deref(root, target), ...local };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
