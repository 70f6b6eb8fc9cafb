import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { readDatasetOutline, type DatasetOutline } from '../../src/core/config/datasetOutline';
import { LineIndex, parseStrictJson } from '../../src/core/config/jsonText';
import { resolveConfig } from '../../src/core/config/resolve';
import { checkAgainstSchema, type SchemaNode } from '../../src/core/config/schemaCheck';
import { CONFIG_SCHEMA } from '../../src/core/config/validate';
import { makeDataset } from '../fixtures/config/makeDataset';

type Json = Record<string, unknown>;
interface Schema extends SchemaNode {
  $schema?: string;
  description?: string;
  markdownDescription?: string;
  default?: unknown;
}

const schema = CONFIG_SCHEMA as Schema;

function deref(s: Schema): Schema {
  return s.$ref ? deref(schema.definitions![s.$ref.replace('#/definitions/', '')] as Schema) : s;
}

/** Every `properties` entry anywhere in the schema, with a readable location. */
function allProperties(): { where: string; node: Schema }[] {
  const out: { where: string; node: Schema }[] = [];
  const visit = (s: unknown, where: string) => {
    if (Array.isArray(s)) return s.forEach((x, i) => visit(x, `${where}/${i}`));
    if (s === null || typeof s !== 'object') return;
    const o = s as Json;
    if (o.properties && typeof o.properties === 'object' && where.split('/').pop() !== 'if') {
      for (const [k, v] of Object.entries(o.properties as Json))
        out.push({ where: `${where}/properties/${k}`, node: v as Schema });
    }
    for (const [k, v] of Object.entries(o))
      if (k !== 'default' && k !== 'defaultSnippets') visit(v, `${where}/${k}`);
  };
  visit(schema, '#');
  return out;
}

interface DefaultSite {
  /** Key path in the raw config. */
  path: string[];
  value: unknown;
  /** `type` to set on each enclosing object, by its path joined with '/'. */
  discriminators: Record<string, string>;
}

/** Walks from the root along properties, $ref and if/then variants; `/dataset` (the manifest) is skipped. */
function defaultSites(): DefaultSite[] {
  const out: DefaultSite[] = [];
  const walk = (node: Schema, path: string[], discriminators: Record<string, string>) => {
    const s = deref(node);
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      const childPath = [...path, key];
      if (childPath.join('/') === 'dataset') continue;
      const c = child as Schema;
      if (c.default !== undefined) out.push({ path: childPath, value: c.default, discriminators });
      walk(c, childPath, discriminators);
    }
    for (const part of s.allOf ?? []) {
      const tag = (part.if?.properties?.type as Schema | undefined)?.const;
      if (part.then && typeof tag === 'string')
        walk(part.then, path, { ...discriminators, [path.join('/')]: tag });
    }
  };
  walk(schema, [], {});
  return out;
}

/** The raw config path's place in the resolved config: encoder entries land on a modality. */
function resolvedPath(path: string[]): string[] {
  return path.join('/').startsWith('model/encoders/default')
    ? ['model', 'encoders', 'vec', ...path.slice(3)]
    : path;
}

function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Json | undefined)?.[k], value);
}

function rawWith(site: DefaultSite, withValue: boolean): Json {
  const raw: Json = { dataset: 'dataset.json' };
  let cursor = raw;
  site.path.forEach((key, i) => {
    const prefix = site.path.slice(0, i).join('/');
    if (site.discriminators[prefix] !== undefined && key !== 'type')
      cursor.type = site.discriminators[prefix];
    if (i === site.path.length - 1) {
      if (withValue) cursor[key] = site.value;
    } else {
      cursor[key] ??= {};
      cursor = cursor[key] as Json;
    }
  });
  return raw;
}

let dir = '';
let outline: DatasetOutline;
before(async () => {
  dir = makeDataset();
  outline = await readDatasetOutline('dataset.json', join(dir, 'cfg.mla.json'));
  assert.deepEqual(outline.problems, []);
});

describe('the shipped JSON Schema', () => {
  test('is draft-07 and every property has a description', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const properties = allProperties();
    assert.ok(properties.length > 60, `only ${properties.length} properties found`);
    const missing = properties.filter(
      ({ node }) => typeof (node.description ?? deref(node).description) !== 'string',
    );
    assert.deepEqual(
      missing.map((p) => p.where),
      [],
    );
  });

  test('every default equals what resolveConfig fills in', () => {
    const sites = defaultSites();
    const paths = sites.map((s) => s.path.join('.'));
    for (const expected of [
      'model.featureDim',
      'training.optimizer',
      'training.optimizer.momentum',
      'mla.fusion.batchSize',
    ]) {
      assert.ok(paths.includes(expected), `${expected} not walked; walked ${paths.join(', ')}`);
    }
    assert.ok(sites.length >= 40, `only ${sites.length} defaults found`);
    const mismatches: string[] = [];
    for (const site of sites) {
      const resolved = resolveConfig(rawWith(site, false), join(dir, 'cfg.mla.json'), outline);
      const actual = at(resolved, resolvedPath(site.path));
      const variant = JSON.stringify(site.discriminators);
      if (site.value !== null && typeof site.value === 'object' && !Array.isArray(site.value)) {
        for (const [k, v] of Object.entries(site.value)) {
          if (JSON.stringify((actual as Json)[k]) !== JSON.stringify(v))
            mismatches.push(`${site.path.join('.')}.${k} ${variant}`);
        }
      } else if (JSON.stringify(actual) !== JSON.stringify(site.value)) {
        mismatches.push(
          `${site.path.join('.')} ${variant}: schema ${JSON.stringify(site.value)}, resolved ${JSON.stringify(actual)}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('every default is itself valid against the schema', () => {
    for (const site of defaultSites()) {
      const text = JSON.stringify(rawWith(site, true));
      const root = parseStrictJson(text).root!;
      assert.deepEqual(checkAgainstSchema(root, schema, new LineIndex(text)), [], text);
    }
  });

  test('a wrong default would be caught: the walk sees the adamw weight decay', () => {
    const site = defaultSites().find(
      (s) =>
        s.path.join('.') === 'training.optimizer.weightDecay' &&
        s.discriminators['training/optimizer'] === 'adamw',
    );
    assert.ok(site);
    assert.equal(site.value, 0.01);
    const resolved = resolveConfig(rawWith(site, false), join(dir, 'cfg.mla.json'), outline);
    assert.equal(resolved.training.optimizer.type, 'adamw');
    assert.equal(resolved.training.optimizer.weightDecay, 0.01);
  });
});
