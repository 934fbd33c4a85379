// How many cores the engine may use: the logical CPUs this process may run on (the bound for `workers`), and the
// physical cores among them (the default number of data-parallel workers: two workers on the two hardware threads
// of one core share its arithmetic units and gain little).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** The logical CPUs this process may run on (affinity and cgroup limits included where Node knows them). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Distinct physical cores among Linux CPU topologies, each given as "package:core". */
export const distinctCores = (topologies: readonly string[]): number => new Set(topologies).size;

function linuxTopologies(): string[] {
  const root = '/sys/devices/system/cpu';
  return fs
    .readdirSync(root)
    .filter((d) => /^cpu\d+$/.test(d))
    .flatMap((d) => {
      const read = (f: string) => fs.readFileSync(`${root}/${d}/topology/${f}`, 'utf8').trim();
      try {
        return [`${read('physical_package_id')}:${read('core_id')}`];
      } catch {
        return []; // an offline CPU has no topology
      }
    });
}

let cached: number | undefined;

/**
 * Physical cores (Linux: sysfs topology; macOS: hw.physicalcpu), never more than availableCores(); where neither
 * answers, the logical count.
 */
export function physicalCores(): number {
  if (cached !== undefined) return cached;
  const logical = availableCores();
  let physical = logical;
  try {
    if (process.platform === 'linux') physical = distinctCores(linuxTopologies());
    else if (process.platform === 'darwin')
      physical = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 }));
  } catch {
    physical = logical;
  }
  cached = Number.isInteger(physical) && physical >= 1 ? Math.min(physical, logical) : logical;
  return cached;
}
