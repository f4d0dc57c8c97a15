import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { LocalTransport } from './LocalTransport.js';
import { loadRclnodejs } from './Ros2Transport.js';
import { createTransport, transportNames } from './transports.js';

const rclnodejsMissing = await loadRclnodejs().then(
  () => false,
  () => true,
);

describe('createTransport', () => {
  it('creates the local transport by name', async () => {
    const t = await createTransport('local');
    expect(t).toBeInstanceOf(LocalTransport);
    expect(t.name).toBe('local');
    await t.close();
  });

  it('rejects an unknown name and lists the known ones', async () => {
    expect(transportNames()).toEqual(expect.arrayContaining(['local', 'ros2']));
    const err = await createTransport('zenoh').catch((e: unknown) => e);
    expect(isOutpostError(err, 'OUTPOST_ERR_TRANSPORT_UNKNOWN')).toBe(true);
    expect((err as Error).message).toMatch(/unknown transport "zenoh"; expected one of: local, ros2/);
    expect(
      isOutpostError(await createTransport('toString').catch((e: unknown) => e), 'OUTPOST_ERR_TRANSPORT_UNKNOWN'),
    ).toBe(true);
  });

  it.runIf(rclnodejsMissing)(
    'without rclnodejs, ros2 rejects with TRANSPORT_UNAVAILABLE saying how to get it',
    async () => {
      const err = await createTransport('ros2').catch((e: unknown) => e);
      expect(isOutpostError(err, 'OUTPOST_ERR_TRANSPORT_UNAVAILABLE')).toBe(true);
      const message = (err as Error).message;
      expect(message).toMatch(/rclnodejs could not be loaded \(.+\)/);
      expect(message).toContain('source /opt/ros');
      expect(message).toContain('npm install rclnodejs');
      expect((err as Error).cause).toBeDefined();
    },
  );
});
