#!/usr/bin/env node
// The `netlinkts` command (package.json's bin). A plain ES module that tsc compiles like every
// other: no bundle, no code cache, no forced exit. The process ends by itself once the command
// is done; one that does not is a bug (a handle left open), not something to paper over here.
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2));
