import { describe, expect, it } from 'vitest';
import { CELL_OCCUPIED, GridWorld } from '../world/GridWorld.js';
import { DiffDriveVehicle } from './DiffDriveVehicle.js';
import { createVehicle } from './vehicleModels.js';

/** 10 m × 4 m corridor at 0.1 m with a wall at x = 5 m (cells 50..51). */
function corridorWithWall(): GridWorld {
  const w = new GridWorld({ width: 100, height: 40, resolution: 0.1 });
  for (let y = 0; y < 40; y++) for (let x = 50; x < 52; x++) w.cells[y * 100 + x] = CELL_OCCUPIED;
  return w;
}

describe('DiffDriveVehicle', () => {
  it('follows unicycle kinematics within its velocity and acceleration limits', () => {
    const world = new GridWorld({ width: 200, height: 200, resolution: 0.1 });
    const v = new DiffDriveVehicle({ pose: { x: 10, y: 10, yaw: 0 }, maxLinear: 0.5, maxLinearAccel: 1 });
    v.step(0.1, { linear: 2, angular: 0 }, world, []);
    expect(v.velocity.linear).toBeCloseTo(0.1); // accel-limited: 1 m/s² × 0.1 s
    for (let i = 0; i < 50; i++) v.step(0.1, { linear: 2, angular: 0 }, world, []);
    expect(v.velocity.linear).toBeCloseTo(0.5); // speed-limited
    expect(v.pose.y).toBeCloseTo(10);
    const before = { ...v.pose };
    const w = new DiffDriveVehicle({ pose: { x: 10, y: 10, yaw: 0 }, maxAngularAccel: 100 });
    for (let i = 0; i < 10; i++) w.step(0.1, { linear: 0, angular: Math.PI / 2 }, world, []);
    expect(w.pose.yaw).toBeCloseTo(Math.PI / 2, 1);
    expect(v.pathLength).toBeGreaterThan(before.x - 10 - 1e-9);
  });

  it('never passes through a wall, whatever the step size', () => {
    for (const dt of [0.01, 0.1, 0.5, 2]) {
      const world = corridorWithWall();
      const v = new DiffDriveVehicle({ pose: { x: 2, y: 2, yaw: 0 }, maxLinear: 3, maxLinearAccel: 100 });
      for (let t = 0; t < 20; t += dt) v.step(dt, { linear: 3, angular: 0 }, world, []);
      expect(v.pose.x + v.radius).toBeLessThanOrEqual(5.0 + 1e-9);
      expect(v.pose.x).toBeGreaterThan(4.5);
      expect(v.collisions).toBeGreaterThan(0);
      expect(v.velocity.linear).toBe(0);
    }
  });

  it('stops at another vehicle but may back away from it', () => {
    const world = new GridWorld({ width: 100, height: 100, resolution: 0.1 });
    const v = new DiffDriveVehicle({ pose: { x: 2, y: 5, yaw: 0 }, maxLinearAccel: 100 });
    const other = [{ x: 3, y: 5, radius: 0.2 }];
    for (let i = 0; i < 40; i++) v.step(0.1, { linear: 1, angular: 0 }, world, other);
    expect(3 - v.pose.x).toBeGreaterThanOrEqual(0.4 - 1e-9);
    const x = v.pose.x;
    for (let i = 0; i < 5; i++) v.step(0.1, { linear: -1, angular: 0 }, world, other);
    expect(v.pose.x).toBeLessThan(x);
  });

  it('is created by model name, with a clear error for an unknown one', () => {
    expect(createVehicle('diff_drive', { x: 0, y: 0, yaw: 0 }).kind).toBe('diff_drive');
    expect(() => createVehicle('tank', { x: 0, y: 0, yaw: 0 })).toThrow(
      /"tank" is not known; expected one of diff_drive/,
    );
    let code: unknown;
    try {
      createVehicle('tank', { x: 0, y: 0, yaw: 0 });
    } catch (err) {
      code = (err as { code?: unknown }).code;
    }
    expect(code).toBe('OUTPOST_ERR_UNKNOWN_VEHICLE_MODEL');
    // An inherited name is no model either.
    expect(() => createVehicle('toString', { x: 0, y: 0, yaw: 0 })).toThrow(/is not known/);
  });
});
