// Diagnostics for a `dataset.json` being edited: its JSON Schema (the one the editor completes from), then the
// same manifest checks `mla validate` runs through a config (files found, row counts, mask shapes), on the
// document's text rather than the saved file. A file name that does not exist gets the folder's array files
// as quick fixes, closest spelling first.

import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { getNodeValue } from 'jsonc-parser';
import schemaJson from '../../../schemas/dataset.schema.json';
import { readDatasetOutline } from './datasetOutline';
import { LineIndex, nodeAtPointer, parseStrictJson } from './jsonText';
import { checkAgainstSchema, type SchemaNode } from './schemaCheck';
import { duplicateKeyWarnings } from './semanticChecks';
import { editDistance } from './suggest';
import type { Diagnostic, DiagnosticFix } from './types';

export const DATASET_SCHEMA = schemaJson as SchemaNode;
const ARRAY_FILE = /\.(npy|csv|csv\.gz|txt)$/i;
const MAX_FIXES = 5;

export async function validateManifestText(text: string, manifestPath: string): Promise<Diagnostic[]> {
  const lines = new LineIndex(text);
  const { root, problems } = parseStrictJson(text);
  if (!root || problems.length > 0) {
    return problems.map((p) => ({
      severity: 'error',
      message: p.message,
      pointer: '',
      range: lines.range(p.offset, p.length),
    }));
  }
  const diagnostics = checkAgainstSchema(root, DATASET_SCHEMA, lines, 'the manifest');
  diagnostics.push(...duplicateKeyWarnings(root, lines));
  if (root.type === 'object') {
    // As an inline manifest of a config beside it: paths start at the manifest's folder, and the tree keeps
    // the document's key order.
    const outline = await readDatasetOutline(getNodeValue(root), manifestPath, { inlineTree: root });
    const reported = new Set(diagnostics.map((d) => d.pointer));
    for (const p of outline.problems) {
      if (p.kind === 'structure' || reported.has(p.pointer)) continue; // the schema said it, with better ranges
      const node = nodeAtPointer(root, p.pointer) ?? root;
      const d: Diagnostic = {
        severity: p.severity,
        message: p.message,
        pointer: p.pointer,
        range: lines.nodeRange(node),
      };
      if (node.type === 'string' && p.message.endsWith(': file not found')) {
        const fixes = existingFiles(dirname(manifestPath), String(node.value), lines.nodeRange(node));
        if (fixes.length > 0) d.fixes = fixes;
      }
      diagnostics.push(d);
    }
  }
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return diagnostics;
}

function existingFiles(dir: string, written: string, range: Diagnostic['range']): DiagnosticFix[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => ARRAY_FILE.test(n));
  } catch {
    return [];
  }
  return names
    .sort((a, b) => editDistance(written, a) - editDistance(written, b) || a.localeCompare(b))
    .slice(0, MAX_FIXES)
    .map((name) => ({ title: `Change to '${name}'`, edits: [{ range, newText: JSON.stringify(name) }] }));
}
