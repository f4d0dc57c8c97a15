import {
  KindNode,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
  type Timer,
} from '../../runtime/index.js';

const spec = nodeKindSpec({
  name: 'twist_publisher',
  description: 'Publishes a constant velocity command (geometry_msgs/Twist) at a fixed rate while active.',
  parameters: {
    linear_x: { type: 'double', default: 0.2, unit: 'm/s', range: { from: -5, to: 5 }, description: 'Forward speed.' },
    angular_z: {
      type: 'double',
      default: 0.1,
      unit: 'rad/s',
      range: { from: -6.3, to: 6.3 },
      description: 'Yaw rate.',
    },
    rate_hz: {
      type: 'double',
      default: 10,
      unit: 'Hz',
      range: { from: 0.1, to: 1000 },
      description: 'Publishing rate.',
    },
  },
  publishes: { cmd_vel: 'geometry_msgs/msg/Twist' },
});

/**
 * Drives a robot in a circle, or whatever `linear_x`/`angular_z` say: a geometry_msgs/Twist on
 * `cmd_vel` at `rate_hz`, while active. The smallest useful lifecycle node: the publisher is
 * created on configure, the timer runs only while active. The pattern every node kind follows:
 * a spec (parameters and endpoints), a `KindNode` subclass reading `this.params`, and
 * `defineNodeKind` joining them.
 */
export class TwistPublisher extends KindNode<typeof spec> {
  #pub: Publisher<'geometry_msgs/msg/Twist'> | undefined;
  #timer: Timer | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  protected override onConfigure() {
    this.#pub = this.publisher('cmd_vel', { lifecycle: true });
    return 'success' as const;
  }

  protected override onActivate() {
    this.#timer = this.createTimer(secondsToNs(1 / this.params.rate_hz), () => this.#tick());
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#timer = undefined;
    return 'success' as const;
  }

  #tick(): void {
    this.#pub?.publish({
      linear: { x: this.params.linear_x, y: 0, z: 0 },
      angular: { x: 0, y: 0, z: this.params.angular_z },
    });
  }
}

export const twistPublisherKind = defineNodeKind(spec, (context, options) => new TwistPublisher(context, options));
