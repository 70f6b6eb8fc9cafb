// The schemas VS Code's JSON language service gets (dist/schemas, from scripts/build/editor-schemas.mjs),
// checked with that very service (vscode-json-languageservice): it reports nothing of its own on a config
// full of mistakes (MLA Studio's validator reports each once, with its place and a did-you-mean), while it
// still completes keys and values and hovers descriptions as from the shipped schemas.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  getLanguageService,
  TextDocument,
  type CompletionList,
  type JSONSchema,
  type LanguageService,
} from 'vscode-json-languageservice';
import { editorSchemaNode, SCHEMA_FILES } from '../../scripts/build/editor-schemas.mjs';

const root = path.join(__dirname, '../..');
const shipped = (file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(root, 'schemas', file), 'utf8')) as unknown;

function service(schema: unknown): LanguageService {
  const uri = 'mla://schema.json';
  const ls = getLanguageService({ schemaRequestService: () => Promise.resolve(JSON.stringify(schema)) });
  ls.configure({
    validate: true,
    allowComments: true,
    schemas: [{ uri, fileMatch: ['*.json'], schema: schema as JSONSchema }],
  });
  return ls;
}

function doc(text: string): TextDocument {
  return TextDocument.create('file:///w/bad.mla.json', 'json', 1, text);
}

async function problems(ls: LanguageService, text: string): Promise<string[]> {
  const d = doc(text);
  const found = await ls.doValidation(d, ls.parseJSONDocument(d));
  return found.map((p) => (typeof p.message === 'string' ? p.message : p.message.value));
}

async function completionsAt(ls: LanguageService, text: string): Promise<string[]> {
  const offset = text.indexOf('|');
  const d = doc(text.slice(0, offset) + text.slice(offset + 1));
  const list: CompletionList | null = await ls.doComplete(d, d.positionAt(offset), ls.parseJSONDocument(d));
  return (list?.items ?? []).map((i) => i.label);
}

const MISTAKES = `{
  "name": "bad",
  "dataset": 3,
  "method": "mlaa",
  "model": { "featureDim": -5, "encoders": { "default": { "type": "mlp", "hidden": "64", "dropuot": 0.1 } } },
  "training": { "epoch": 30, "batchSize": 0 },
  "seeds": [0, 0]
}`;

test('the language service reports nothing of its own on a config full of mistakes', async () => {
  const editor = service(editorSchemaNode(shipped('mla-config.schema.json')));
  assert.deepEqual(await problems(editor, MISTAKES), []);
  // The shipped schema would have it report them a second time: the editor copy is what makes the difference.
  const full = await problems(service(shipped('mla-config.schema.json')), MISTAKES);
  assert.ok(full.length >= 6, `the shipped schema yields ${full.length} problems: ${full.join(' | ')}`);
  // JSON syntax errors still come from the language service (the validator needs parseable text first).
  assert.ok((await problems(editor, '{ "name": ')).length > 0);
});

test('keys, enum values and encoder options still complete from the editor copy', async () => {
  const editor = service(editorSchemaNode(shipped('mla-config.schema.json')));
  const top = await completionsAt(editor, '{ | }');
  for (const key of ['name', 'dataset', 'method', 'model', 'training', 'mla', 'seeds'])
    assert.ok(top.includes(key), `top-level completion offers ${key}: ${top.join(' ')}`);
  const training = await completionsAt(editor, '{ "training": { | } }');
  for (const key of ['epochs', 'batchSize', 'optimizer'])
    assert.ok(training.includes(key), `training offers ${key}: ${training.join(' ')}`);
  const methods = await completionsAt(editor, '{ "method": | }');
  for (const name of ['"mla"', '"joint"', '"ogm-ge"'])
    assert.ok(methods.includes(name), `method offers ${name}: ${methods.join(' ')}`);
  // Per encoder type, the options of that type only (`if` is kept as it is).
  const conv = await completionsAt(editor, '{ "model": { "encoders": { "a": { "type": "conv1d", | } } } }');
  assert.ok(conv.includes('kernelSize'), `conv1d offers kernelSize: ${conv.join(' ')}`);
  const mlp = await completionsAt(editor, '{ "model": { "encoders": { "a": { "type": "mlp", | } } } }');
  assert.ok(mlp.includes('hidden') && !mlp.includes('kernelSize'), `mlp offers: ${mlp.join(' ')}`);
});

test('hover shows the shipped descriptions', async () => {
  const editor = service(editorSchemaNode(shipped('mla-config.schema.json')));
  const text = '{ "training": { "epochs": 30 } }';
  const d = doc(text);
  const hover = await editor.doHover(
    d,
    d.positionAt(text.indexOf('epochs') + 2),
    editor.parseJSONDocument(d),
  );
  const said = JSON.stringify(hover?.contents ?? '');
  assert.match(said, /epoch/i);
});

for (const file of SCHEMA_FILES) {
  test(`${file}: the editor copy keeps every property and every allowed value of the shipped one`, () => {
    const paths = (node: unknown, at: string, out: Set<string>, values: boolean): Set<string> => {
      if (Array.isArray(node)) node.forEach((n, i) => paths(n, `${at}[${i}]`, out, values));
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (['default', 'examples', 'defaultSnippets', 'enum', 'const'].includes(key)) {
            if (values && (key === 'enum' || key === 'const' || key === 'examples'))
              for (const v of key === 'const' ? [value] : (value as unknown[]))
                out.add(`${at}=${JSON.stringify(v)}`);
            continue;
          }
          const next = key === 'oneOf' ? 'anyOf' : key;
          if (key === 'properties') Object.keys(value as object).forEach((k) => out.add(`${at}.${k}`));
          paths(value, `${at}/${next}`, out, values);
        }
      }
      return out;
    };
    const source = paths(shipped(file), '', new Set(), true);
    const editor = paths(editorSchemaNode(shipped(file)), '', new Set(), true);
    const lost = [...source].filter((p) => !editor.has(p));
    assert.deepEqual(lost, []);
    assert.ok(source.size > 8, `${file}: ${source.size} properties and values compared`);
  });
}
