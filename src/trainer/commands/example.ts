// `mla example [DIR]`: write the built-in example project (generated dataset + MLA and joint configs).

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeExampleProject } from '../../core/data/exampleProject';
import { UsageError } from '../args';
import { EXAMPLE_HELP } from '../usage';

/** The schema as shipped beside the bundle (`dist/../schemas`), so configs written anywhere validate in VS Code. */
function shippedSchema(): string {
  return path.resolve(__dirname, '..', 'schemas', 'mla-config.schema.json');
}

export async function exampleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(EXAMPLE_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('expected at most one folder: mla example [DIR]');
  const dir = path.resolve(positionals[0] ?? 'mla-example');
  const schema = path.relative(dir, shippedSchema()).split(path.sep).join('/');
  const project = await writeExampleProject(dir, schema);
  process.stdout.write(
    `${project.wroteData ? 'generated' : 'kept'} ${project.dataset}\n` +
      project.configs.map((c) => `config ${c}\n`).join('') +
      `train it: mla train ${path.relative(process.cwd(), project.configs[0]) || project.configs[0]}\n`,
  );
  return 0;
}
