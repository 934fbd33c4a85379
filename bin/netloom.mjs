#!/usr/bin/env node
// The `netloom` command. Sources are TypeScript; tsx compiles them on the fly so the CLI
// runs from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the wasm backend's worker threads would otherwise keep a finished command alive.
// Flush stdout first so piped JSON lines are never cut short.
await new Promise((resolve) => process.stdout.write('', resolve));
process.exit(code);
