import { describe, expect, it } from 'vitest';
import { cpuAt, readProc } from '../../bench/support/process-meter.js';

describe('cpuAt', () => {
  const samples = [
    { at: 1000, cpuMs: 100, rssMb: 50 },
    { at: 2000, cpuMs: 300, rssMb: 50 },
    { at: 3000, cpuMs: 400, rssMb: 50 },
  ];

  it('interpolates between the samples around a moment and clamps outside them', () => {
    expect(cpuAt(samples, 1500)).toBe(200);
    expect(cpuAt(samples, 2500)).toBe(350);
    expect(cpuAt(samples, 0)).toBe(100);
    expect(cpuAt(samples, 9000)).toBe(400);
    expect(cpuAt([], 1)).toBe(0);
  });
});

describe.runIf(process.platform === 'linux')('readProc', () => {
  it('reads this process: CPU grows with work, RSS is plausible', async () => {
    const before = await readProc(process.pid);
    const until = Date.now() + 50;
    while (Date.now() < until);
    const after = await readProc(process.pid);
    expect(after.cpuMs).toBeGreaterThanOrEqual(before.cpuMs);
    expect(after.rssMb).toBeGreaterThan(10);
  });
});
