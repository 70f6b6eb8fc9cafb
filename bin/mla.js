#!/usr/bin/env node
// The `mla` command: the bundled trainer (built by `npm run build`, which `npm install` runs).
const { main } = require('../dist/trainer.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
