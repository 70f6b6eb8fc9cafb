// The command ids the extension registers and the tests call are the ones package.json contributes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/extension/commandIds';

test('COMMANDS names exactly the commands package.json contributes', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[] };
  };
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(Object.values(COMMANDS).sort(), contributed);
});
