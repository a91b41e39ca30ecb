#!/usr/bin/env node
// Entry of the `vitalscope` command: the CLI is bundled to out/main by `npm run build`
// (run automatically by `npm install` through the prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('vitalscope: the app is not built yet: run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
require(cli);
