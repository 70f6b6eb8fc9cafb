// The walkthrough package.json contributes: every step's page ships, and every command it links to or completes
// on is one the extension contributes, so no step has a dead button or can never be checked off.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, OPEN_WALKTHROUGH, WALKTHROUGH_ID } from '../../src/extension/commandIds';

interface Step {
  id: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}
interface Manifest {
  name: string;
  publisher: string;
  contributes: { walkthroughs: { id: string; steps: Step[] }[]; commands: { command: string }[] };
}

const root = path.join(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));

test('the Get Started command opens the walkthrough package.json contributes', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.equal(WALKTHROUGH_ID, `${manifest.publisher}.${manifest.name}#${walkthrough.id}`);
  assert.ok(contributed.has(COMMANDS.getStarted));
});

test('Get Started and Open Docs open the walkthrough, whose last step links the full guide', () => {
  assert.equal(OPEN_WALKTHROUGH.command, 'workbench.action.openWalkthrough');
  assert.deepEqual(OPEN_WALKTHROUGH.args, [WALKTHROUGH_ID, false]);
  const commands = fs.readFileSync(path.join(root, 'src/extension/commands.ts'), 'utf8');
  // Both registrations hand VS Code the walkthrough, not a file.
  assert.match(commands, /register\(COMMANDS\.openDocs, openWalkthrough\)/);
  assert.match(commands, /register\(COMMANDS\.getStarted, openWalkthrough\)/);
  const last = manifest.contributes.walkthroughs[0].steps.at(-1)!;
  assert.match(last.description, /\(command:mla\.openGuide\)/);
  assert.deepEqual(last.completionEvents, ['onCommand:mla.openGuide']);
  assert.ok(fs.existsSync(path.join(root, 'docs/guide.md')));
});

test('the walkthrough covers the example, training, the dashboard and your own data, in that order', () => {
  const steps = manifest.contributes.walkthroughs[0].steps;
  assert.deepEqual(
    steps.map((s) => s.id),
    ['example', 'train', 'dashboard', 'ownData', 'docs'],
  );
});

for (const step of manifest.contributes.walkthroughs[0].steps) {
  test(`walkthrough step "${step.id}": its page ships and its commands exist`, () => {
    assert.ok(step.media.markdown, 'a markdown page');
    const page = path.join(root, step.media.markdown);
    assert.ok(fs.statSync(page).size > 100, `${step.media.markdown} has content`);
    const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.ok(linked.length > 0, 'a button');
    const completing = step.completionEvents.map((e) => e.replace(/^onCommand:/, ''));
    for (const command of [...linked, ...completing]) {
      assert.ok(contributed.has(command), `${command} is contributed`);
    }
    // A step is checked off by the very command its button runs.
    assert.ok(
      linked.some((c) => completing.includes(c)),
      `a button of "${step.id}" completes it`,
    );
  });
}
