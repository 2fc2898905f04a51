#!/usr/bin/env node
// The `unas` CLI: a thin launcher for the bundled entry (built by `npm run build`).
require('../dist/cli.js');
