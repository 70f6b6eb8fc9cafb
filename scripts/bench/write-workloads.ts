// Writes the benchmark's workloads (scripts/bench/workloads.ts) into a folder that can travel: every config
// beside its dataset, with relative paths. scripts/gpu-bench.sh --prepare puts them in its offline bundle.
//   node --import tsx scripts/bench/write-workloads.ts DIR [KEYS]     KEYS: e.g. e,f (default: all)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareWorkloads, WORKLOAD_KEYS, type WorkloadKey } from './workloads';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? '');
  if (!process.argv[2]) throw new Error('usage: write-workloads.ts DIR');
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(out, '.work-'));
  try {
    const keys = process.argv[3] ? (process.argv[3].split(',') as WorkloadKey[]) : [...WORKLOAD_KEYS];
    const bad = keys.filter((k) => !WORKLOAD_KEYS.includes(k));
    if (bad.length > 0)
      throw new Error(`unknown workloads ${bad.join(', ')}; expected some of ${WORKLOAD_KEYS.join(', ')}`);
    for (const w of await prepareWorkloads(work, keys)) {
      const raw = JSON.parse(fs.readFileSync(w.configFile, 'utf8')) as { dataset: string };
      const datasetDir = path.dirname(raw.dataset);
      const name = `data-${w.key}`;
      fs.cpSync(datasetDir, path.join(out, name), { recursive: true });
      raw.dataset = `${name}/${path.basename(raw.dataset)}`;
      fs.writeFileSync(path.join(out, `${w.key}.mla.json`), JSON.stringify(raw, null, 2) + '\n');
      console.log(`${w.key}.mla.json: ${w.title}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
