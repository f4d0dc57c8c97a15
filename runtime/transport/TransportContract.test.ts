import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../msg/defaultRegistry.js';
import { BusServer } from './BusServer.js';
import { SocketTransport } from './SocketTransport.js';
import type { Transport } from './Transport.js';
import { LocalTransport } from './LocalTransport.js';
import { createRos2Transport, loadRclnodejs } from './Ros2Transport.js';
import { transportContract } from './transportContract.js';

// Every transport runs the same contract. `ros2` runs only where rclnodejs loads (ROS 2 sourced
// and `npm install rclnodejs` done); elsewhere the skip and its reason are printed, not hidden.

transportContract('local', () => new LocalTransport(), {
  enforcesQoSCompatibility: true,
  handlerErrorCode: 'OUTPOST_ERR_SERVICE_FAILED',
  discoveryMs: 100,
});

const ros2Unavailable = await loadRclnodejs().then(
  () => undefined,
  (err: Error) => err.message,
);

if (ros2Unavailable === undefined) {
  transportContract('ros2', () => createRos2Transport(), {
    enforcesQoSCompatibility: true,
    // ROS 2 services have no error response: a throwing handler leaves the caller to time out.
    handlerErrorCode: 'OUTPOST_ERR_SERVICE_TIMEOUT',
    settleMs: 5000,
  });
} else {
  const reason = ros2Unavailable.split('. ')[0]!;
  console.log(`[transport contract] skipped ros2: ${ros2Unavailable}`);
  describe.skip(`transport contract: ros2 (skipped: ${reason})`, () => {
    it('runs where rclnodejs loads', () => {
      expect(ros2Unavailable).toBeUndefined();
    });
  });
}

// The socket transport as `process: true` nodes use it: every node gets its own connection to a
// BusServer (as if each node were its own process), so every message crosses a real Unix socket.
transportContract(
  'socket (one connection per node)',
  async () => {
    const logger = pino({ level: 'silent' });
    const server = new LocalTransport();
    const path = join(mkdtempSync(join(tmpdir(), 'outpost-contract-')), 'bus.sock');
    const bus = await BusServer.listen(path, server.bus, defaultRegistry(), logger);
    const pool: SocketTransport[] = await Promise.all(
      Array.from({ length: 8 }, () => SocketTransport.connect(path, defaultRegistry())),
    );
    let next = 0;
    const listeners = new Set<() => void>();
    server.bus.onGraphChange(() => {
      for (const l of listeners) l();
    });
    const transport: Transport = {
      name: 'socket',
      createNodeHandle(fqn) {
        const t = pool[next++];
        if (t === undefined) throw new Error('contract used more nodes than the pool holds');
        return t.createNodeHandle(fqn);
      },
      graph: () => server.graph(),
      onGraphChange(l) {
        // Every node's connection learns of graph changes a moment after the server's bus does.
        const offs = pool.map((t) => t.onGraphChange(l));
        listeners.add(l);
        return () => {
          listeners.delete(l);
          for (const off of offs) off();
        };
      },
      async close() {
        for (const t of pool) await t.close();
        await bus.close();
      },
    };
    return transport;
  },
  { enforcesQoSCompatibility: true, handlerErrorCode: 'OUTPOST_ERR_SERVICE_FAILED', discoveryMs: 100 },
);
