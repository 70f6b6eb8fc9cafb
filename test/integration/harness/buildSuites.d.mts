// Types for buildSuites.mjs (kept as plain JavaScript so it runs without tsx, e.g. from an npm script).
export interface BuildSuitesOptions {
  /** Folder of `*.test.ts` suites. Default test/integration/suites. */
  suitesDir?: string;
  /** Output folder: index.js plus suites/*.test.js. Default out/integration. */
  outDir?: string;
  /** Only these file names from suitesDir. */
  only?: string[];
}

export function buildSuites(options?: BuildSuitesOptions): Promise<{ index: string; suites: string[] }>;

export function buildExtensionEntry(entry: string, outfile: string): Promise<void>;
