// The JSON Schemas VS Code's JSON language service gets (package.json `jsonValidation`): the shipped schemas
// in schemas/ with every validating keyword taken out, so that the editor completes and hovers from them but
// reports nothing itself. MLA Studio's own validator checks the same schemas (src/core/config/schemaCheck.ts)
// and words each problem with the file's place, the expected value and a did-you-mean; the language service
// would report the same mistake a second time, in its own words ("Property epoch is not allowed.").
// Plain JavaScript, so that esbuild.mjs runs it without tsx.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SCHEMA_FILES = ['mla-config.schema.json', 'dataset.schema.json', 'sweep.schema.json'];

/** Keywords that only validate: the language service would turn each into a problem of its own. */
const VALIDATING = new Set([
  'type',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'not',
]);

/** Subschemas by keyword: `properties`-like maps, and single or listed subschemas. */
const SCHEMA_MAPS = new Set(['properties', 'definitions', '$defs', 'patternProperties']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);

/**
 * The editor's copy of one schema node. `enum` and `const` become `examples` (still offered as completions);
 * `oneOf` becomes `anyOf` (stripped branches all match, and oneOf would fail on that); `if` stays as it is (it
 * only selects `then`, which is stripped, so the right options are offered per encoder type); values such as
 * `default`, `examples` and `defaultSnippets` are copied untouched.
 * @param {unknown} node
 * @returns {unknown}
 */
export function editorSchemaNode(node) {
  if (Array.isArray(node)) return node.map(editorSchemaNode);
  if (node === null || typeof node !== 'object') return node;
  /** @type {Record<string, unknown>} */
  const out = {};
  /** @type {unknown[]} */
  const examples = [];
  for (const [key, value] of Object.entries(node)) {
    if (VALIDATING.has(key)) continue;
    if (key === 'enum' && Array.isArray(value)) examples.push(...value);
    else if (key === 'const') examples.push(value);
    else if (key === 'examples' && Array.isArray(value)) examples.push(...value);
    else if (key === 'additionalProperties' && typeof value === 'boolean') continue;
    else if (SCHEMA_MAPS.has(key) && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, editorSchemaNode(v)]));
    } else if (SUBSCHEMAS.has(key)) out[key === 'oneOf' ? 'anyOf' : key] = editorSchemaNode(value);
    else out[key] = value;
  }
  if (examples.length > 0)
    out.examples = [...new Set(examples.map((e) => JSON.stringify(e)))].map((e) => JSON.parse(e));
  return out;
}

/** Writes the editor copies of schemas/*.schema.json into outDir. */
export function writeEditorSchemas(repoRoot, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of SCHEMA_FILES) {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', file), 'utf8'));
    fs.writeFileSync(path.join(outDir, file), JSON.stringify(editorSchemaNode(schema), null, 2) + '\n');
  }
}
