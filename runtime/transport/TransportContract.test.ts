import { describe, expect, it } from 'vitest';
import { LocalTransport } from './LocalTransport.js';
import { createRos2Transport, loadRclnodejs } from './Ros2Transport.js';
import { transportContract } from './transportContract.js';

// Every transport runs the same contract. `ros2` runs only where rclnodejs loads (ROS 2 sourced
// and `npm install rclnodejs` done); elsewhere the skip and its reason are printed, not hidden.

transportContract('local', () => new LocalTransport(), {
  enforcesQoSCompatibility: true,
  handlerErrorCode: 'OUTPOST_ERR_SERVICE_FAILED',
});

const ros2Unavailable = await loadRclnodejs().then(() => undefined, (err: Error) => err.message);

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
