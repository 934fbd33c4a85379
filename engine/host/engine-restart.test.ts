// Calls that arrive while the engine process restarts: every one is answered — queued and run once the
// engine is back (up to relay.ts's RESTART_QUEUE_LIMIT), the rest refused with E_ENGINE_RESTARTING — never
// dropped. The restart is held open by a gate file, so the test does not race the restart's timing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RpcError } from '../protocol';
import { RESTART_QUEUE_LIMIT } from '../protocol';
import { until } from '../protocol/testing/until';
import { startServer } from './server';
import { connectClient } from './websocket-testing';

const GATED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'gated-api.ts');

describe('calls during an engine restart', () => {
  const gate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-gate-')), 'hold');
  afterAll(() => fs.rmSync(path.dirname(gate), { recursive: true, force: true }));

  it(`queues ${RESTART_QUEUE_LIMIT} calls and refuses the rest with E_ENGINE_RESTARTING; none unanswered`, async () => {
    const s = await startServer({
      engineOnly: true,
      engine: { apiModule: GATED, env: { NETLOOM_TEST_GATE: gate } },
      log: () => {},
    });
    try {
      const c = await connectClient({ ...s, origin: '' });
      const crashes: unknown[] = [];
      c.on('engine/crashed', (e) => crashes.push(e));
      const before = (await c.call('engine/info')).pid;
      fs.writeFileSync(gate, ''); // the next engine process waits here
      process.kill(before, 'SIGKILL');
      await until(() => crashes.length === 1, { what: 'the crash report' });

      const extra = 500;
      const outcomes: string[] = [];
      const calls = Array.from({ length: RESTART_QUEUE_LIMIT + extra }, () =>
        c.call('engine/info').then(
          () => outcomes.push('ok'),
          (e: RpcError) => outcomes.push(e.code),
        ),
      );
      // The engine is still held: exactly the overflow is answered, at once.
      await until(() => outcomes.length === extra, { what: `${extra} refusals` });
      expect(new Set(outcomes)).toEqual(new Set(['E_ENGINE_RESTARTING']));
      fs.rmSync(gate);
      await Promise.all(calls);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(RESTART_QUEUE_LIMIT);
      expect(outcomes.filter((o) => o === 'E_ENGINE_RESTARTING')).toHaveLength(extra);
      expect((await c.call('engine/info')).pid).not.toBe(before);
      c.close();
    } finally {
      fs.rmSync(gate, { force: true });
      await s.close();
    }
  });
});
