// The fake training api behind a gate, for tests of what happens while the engine (re)starts: while the
// file named by NETLOOM_TEST_GATE exists, the engine process does not become ready. Lets a test hold a
// restart open as long as it needs, instead of racing the restart's timing.
import fs from 'node:fs';
import { createEngineApi as fake } from './training-api';

export async function createEngineApi() {
  const gate = process.env.NETLOOM_TEST_GATE;
  while (gate && fs.existsSync(gate)) await new Promise((r) => setTimeout(r, 20));
  return fake();
}
