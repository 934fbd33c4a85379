// CPU time of the calling thread (Linux: /proc/thread-self/stat, utime + stime in clock ticks of 10 ms). Node 20
// has no per-thread CPU clock, and wall time cannot show scaling on a shared machine: a worker's CPU time over its
// wall time says whether it had a core, and CPU time per image says what data parallelism costs, under any load.
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** This thread's CPU milliseconds so far, or NaN where /proc/thread-self is not available. */
export function threadCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}
