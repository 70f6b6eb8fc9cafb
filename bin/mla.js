#!/usr/bin/env node
// The `mla` command: the bundled trainer (built by `npm run build`, which `npm install` runs).
require('../dist/trainer.js').cli(process.argv.slice(2));
