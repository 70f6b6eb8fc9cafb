// Types for editor-schemas.mjs (plain JavaScript, so that esbuild.mjs runs it without tsx).
export const SCHEMA_FILES: string[];
export function editorSchemaNode(node: unknown): unknown;
export function writeEditorSchemas(repoRoot: string, outDir: string): void;
