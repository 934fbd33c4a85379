// The cores the engine counts: logical CPUs (the bound for `workers`) and physical cores among them (the default
// number of workers): two hardware threads of one core count once, and the count never exceeds the logical one.
import { describe, expect, it } from 'vitest';
import { availableCores, distinctCores, physicalCores } from './cores';

describe('cores', () => {
  it('counts a core whose two hardware threads are listed once, on every package', () => {
    expect(distinctCores(['0:0', '0:0', '0:1', '0:1'])).toBe(2);
    expect(distinctCores(['0:0', '1:0'])).toBe(2); // core 0 of two packages: two cores
    expect(distinctCores([])).toBe(0);
  });

  it("reads this machine's physical cores: at least one, at most the logical CPUs", () => {
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(physicalCores()).toBeLessThanOrEqual(availableCores());
    if (process.platform === 'linux') console.log(`physical cores ${physicalCores()} of ${availableCores()} logical`);
  });
});
