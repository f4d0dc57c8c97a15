import {
  KindNode,
  Time,
  defineNodeKind,
  nodeKindSpec,
  type Context,
  type NodeKindOptions,
  type Publisher,
  type Subscription,
  type Timer,
  type MessageOf,
  secondsToNs,
} from '../../runtime/index.js';
import { wrapAngle } from '../../runtime/geometry/Angles.js';
import { quaternionFromYaw } from '../../runtime/geometry/Quaternions.js';

const spec = nodeKindSpec({
  name: 'odometry_integrator',
  description: 'Integrates cmd_vel (unicycle model) into nav_msgs/Odometry on odom.',
  parameters: {
    rate_hz: {
      type: 'double',
      default: 20,
      unit: 'Hz',
      range: { from: 0.1, to: 1000 },
      description: 'Integration and publishing rate.',
    },
    cmd_timeout: {
      type: 'double',
      default: 0.5,
      unit: 's',
      range: { from: 0, to: 60 },
      description: 'A command older than this counts as stop.',
    },
    odom_frame: { type: 'string', default: 'odom', description: 'Frame of the published pose (REP-105).' },
    base_frame: { type: 'string', default: 'base_link', description: 'Child frame of the published pose.' },
  },
  publishes: { odom: 'nav_msgs/msg/Odometry' },
  subscribes: { cmd_vel: 'geometry_msgs/msg/Twist' },
});

/**
 * Dead reckoning for a planar robot: integrates the latest `cmd_vel` (unicycle model, REP-103
 * frames) into a pose and publishes nav_msgs/Odometry on `odom` at `rate_hz`, stamped with the
 * node's clock (so it runs unchanged in simulation). Commands older than `cmd_timeout` count as
 * zero, the way a motor controller's watchdog stops the wheels.
 */
export class OdometryIntegrator extends KindNode<typeof spec> {
  #pub: Publisher<'nav_msgs/msg/Odometry'> | undefined;
  #sub: Subscription<'geometry_msgs/msg/Twist'> | undefined;
  #timer: Timer | undefined;
  #x = 0;
  #y = 0;
  #yaw = 0;
  #cmd: MessageOf<'geometry_msgs/msg/Twist'> | undefined;
  #cmdStamp = new Time(0n);
  #last: Time | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  /** The integrated pose [x m, y m, yaw rad]. */
  get pose(): [number, number, number] {
    return [this.#x, this.#y, this.#yaw];
  }

  protected override onConfigure() {
    this.#pub = this.publisher('odom', { lifecycle: true });
    this.#sub = this.subscription('cmd_vel', {}, (m) => {
      this.#cmd = m;
      this.#cmdStamp = this.now();
    });
    return 'success' as const;
  }

  protected override onActivate() {
    this.#last = this.now();
    this.#timer = this.createTimer(secondsToNs(1 / this.params.rate_hz), () => this.#step());
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    return 'success' as const;
  }

  protected override onCleanup() {
    this.#sub?.destroy();
    this.#pub?.destroy();
    return 'success' as const;
  }

  #step(): void {
    const now = this.now();
    const dt = this.#last === undefined ? 0 : Number(now.sub(this.#last)) / 1e9;
    this.#last = now;
    const stale = Number(now.sub(this.#cmdStamp)) / 1e9 > this.params.cmd_timeout;
    const v = this.#cmd === undefined || stale ? 0 : this.#cmd.linear.x;
    const w = this.#cmd === undefined || stale ? 0 : this.#cmd.angular.z;
    // Midpoint integration of the unicycle model: exact for constant v, w over small dt.
    const mid = this.#yaw + (w * dt) / 2;
    this.#x += v * Math.cos(mid) * dt;
    this.#y += v * Math.sin(mid) * dt;
    this.#yaw = wrapAngle(this.#yaw + w * dt);
    const frame = this.params.odom_frame;
    this.#pub?.publish({
      header: { stamp: now.toMsg(), frame_id: frame },
      child_frame_id: this.params.base_frame,
      pose: {
        pose: { position: { x: this.#x, y: this.#y, z: 0 }, orientation: quaternionFromYaw(this.#yaw) },
        covariance: new Float64Array(36),
      },
      twist: {
        twist: { linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } },
        covariance: new Float64Array(36),
      },
    });
  }
}

export const odometryIntegratorKind = defineNodeKind(
  spec,
  (context, options) => new OdometryIntegrator(context, options),
);
