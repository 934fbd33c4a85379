// `netloom train --backend torch [--device D] [--python PATH] [--nproc N] [--nnodes M --rdzv HOST:PORT]`: the
// torch backend's own flags, checked before anything loads, and the run's choice (torch.ts in the runtime's
// registry decides; this only turns its answer into the CLI's one-line errors).
import { setTorchPython, trainingBackend, type TorchProbe } from '../runtime/backends/torch';
import type { TorchOptions } from '../host/torch-run';
import { CliError, type Parsed } from './args';
import { text } from './options';

const whole = (p: Parsed, k: string): number | undefined => {
  const v = text(p, k);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new CliError(`--${k} must be a whole number >= 1, got ${JSON.stringify(v)}`);
  return Number(v);
};

/** The torch run this command line asks for, or null when tfjs trains. Throws a CliError naming the flag. */
export async function torchForTrain(
  p: Parsed,
  backend: string | undefined,
): Promise<{ probe: TorchProbe; options: TorchOptions } | null> {
  const python = text(p, 'python');
  if (python !== undefined) setTorchPython(python);
  const device = text(p, 'device');
  const options: TorchOptions = { device, nproc: whole(p, 'nproc'), nnodes: whole(p, 'nnodes'), rdzv: text(p, 'rdzv') };
  if (device !== undefined && !/^(auto|cpu|cuda(:\d+)?|mps)$/.test(device))
    throw new CliError(`--device must be cpu, cuda, cuda:N or mps, got ${JSON.stringify(device)}`);
  if ((options.nnodes ?? 1) > 1 && !/^[^\s:]+:\d+$/.test(options.rdzv ?? ''))
    throw new CliError(`--nnodes ${options.nnodes} needs --rdzv HOST:PORT (where the machines meet)`);
  const given = (['device', 'nproc', 'nnodes', 'rdzv'] as const).filter((k) => p.flags[k] !== undefined);
  if (backend !== 'torch' && given.length) {
    if (backend !== undefined) throw new CliError(`--${given[0]} is a torch flag; --backend is ${backend}`);
  }
  let choice;
  try {
    choice = await trainingBackend(backend ?? (given.length ? 'torch' : undefined));
  } catch (e) {
    throw new CliError((e as Error).message, 'E_BACKEND_UNAVAILABLE', 2);
  }
  if (!choice.torch) return null;
  const probe = choice.torch;
  if (device?.startsWith('cuda') && !probe.cuda.length)
    throw new CliError(`--device ${device}: CUDA is not available to ${probe.reason}`, 'E_DEVICE_UNAVAILABLE', 2);
  if (device === 'mps' && !probe.mps)
    throw new CliError(`--device mps: Apple's MPS is not available to ${probe.reason}`, 'E_DEVICE_UNAVAILABLE', 2);
  return { probe, options };
}
