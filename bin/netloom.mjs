#!/usr/bin/env node
// The `netloom` command. Sources are TypeScript; tsx compiles them on the fly so the CLI
// runs from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
