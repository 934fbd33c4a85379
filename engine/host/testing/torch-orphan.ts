// Test fixture (engine/host/torch-run.test.ts): an "engine" that starts a paused torch run, prints the runner's pid
// and then waits to be killed. Run: node --import tsx engine/host/testing/torch-orphan.ts
import { loadTemplate } from '../../../templates';
import { trainingBackend } from '../../runtime/backends/torch';
import { openSession } from '../../train';
import { TorchTrainer } from '../torch-run';

const probe = (await trainingBackend('torch')).torch!;
const session = await openSession({ doc: loadTemplate('mlp'), limit: 64, validationSplit: 0 });
const t = new TorchTrainer(
  session,
  { epochs: 1, batchSize: 16, optimizer: { type: 'sgd', lr: 0.1 }, startPaused: true },
  probe,
);
void t.run().catch(() => {});
await t.whenHeld();
process.stdout.write(JSON.stringify({ pid: t.pid }) + '\n');
setInterval(() => {}, 1 << 30); // held until the test kills this process
