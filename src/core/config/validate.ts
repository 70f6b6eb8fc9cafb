// The one validator of `*.mla.json` (docs/architecture.md, rule 6): `mla validate`, the editor's diagnostics and the
// trainer's start-up all call `validateConfig`. Syntax first, then the shipped JSON Schema, then the checks
// against the dataset; the config is resolved only when no error remains.

import { getNodeValue } from 'jsonc-parser';
import schemaJson from '../../../schemas/mla-config.schema.json';
import { readDatasetOutline, type DatasetOutline } from './datasetOutline';
import { LineIndex, nodeAtPointer, parseStrictJson } from './jsonText';
import { resolveConfig } from './resolve';
import { checkAgainstSchema, type SchemaNode } from './schemaCheck';
import { duplicateKeyWarnings, semanticDiagnostics } from './semanticChecks';
import type { Diagnostic, ResolvedConfig } from './types';

export const CONFIG_SCHEMA = schemaJson as SchemaNode;

export interface ValidationResult {
  diagnostics: Diagnostic[];
  /** `null` when any diagnostic is an error. */
  config: ResolvedConfig | null;
}

export interface ValidateOptions {
  /**
   * Read the dataset's array headers (sample shapes, row counts, files present). Default true. With false, only
   * the manifest itself is read: modality names and the val split are still checked, shapes are not.
   */
  checkDataset?: boolean;
}

export async function validateConfig(
  text: string,
  configPath: string,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const lines = new LineIndex(text);
  const { root, problems } = parseStrictJson(text);
  if (!root || problems.length > 0) {
    const diagnostics = problems.map((p): Diagnostic => ({
      severity: 'error',
      message: p.message,
      pointer: '',
      range: lines.range(p.offset, p.length),
    }));
    return { diagnostics, config: null };
  }
  const diagnostics = checkAgainstSchema(root, CONFIG_SCHEMA, lines);
  diagnostics.push(...duplicateKeyWarnings(root, lines));
  let outline: DatasetOutline | null = null;
  const datasetNode = root.type === 'object' ? nodeAtPointer(root, '/dataset') : undefined;
  if (datasetNode && (datasetNode.type === 'string' || datasetNode.type === 'object')) {
    outline = await readDatasetOutline(getNodeValue(datasetNode), configPath, {
      readShapes: options.checkDataset !== false,
      inlineTree: datasetNode.type === 'object' ? datasetNode : undefined,
    });
    diagnostics.push(...semanticDiagnostics(root, lines, outline, diagnostics));
  }
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  const hasError = diagnostics.some((d) => d.severity === 'error');
  const config = !hasError && outline ? resolveConfig(getNodeValue(root), configPath, outline) : null;
  return { diagnostics, config };
}
