import { describe, expect, it } from 'vitest';
import { FleetStallLog } from './FleetStallLog.js';

describe('FleetStallLog', () => {
  it('has no episode while syncs settle quickly', () => {
    const log = new FleetStallLog(1);
    for (let i = 0; i < 100; i++) log.record('r1', ['r2'], i * 0.5, 0.01, true);
    expect(log.episodes).toEqual([]);
  });

  it('joins syncs in a row that time out or wait long into one episode per robot, ended by a quick one', () => {
    const log = new FleetStallLog(1);
    log.record('r1', ['r3'], 10, 5, false);
    log.record('r2', [], 10, 0.01, true);
    log.record('r1', ['r2', 'r3'], 10.5, 5, false);
    log.record('r1', ['r3'], 11, 1.5, true); // settled, but late: still stuck
    log.record('r1', ['r3'], 11.5, 0.02, true); // over
    log.record('r1', ['r3'], 20, 5, false); // a second episode
    expect(log.episodes).toEqual([
      { robot: 'r1', peers: ['r2', 'r3'], sim_time_s: 10, wall_s: 11.5, timeouts: 2 },
      { robot: 'r1', peers: ['r3'], sim_time_s: 20, wall_s: 5, timeouts: 1 },
    ]);
  });
});
