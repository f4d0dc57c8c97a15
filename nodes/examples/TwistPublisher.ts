import { Node, type Context, type NodeKind, type NodeKindOptions, type Publisher, type Timer, secondsToNs } from '../../runtime/index.js';

/**
 * Drives a robot in a circle, or whatever `linear_x`/`angular_z` say: a geometry_msgs/Twist on
 * `cmd_vel` at `rate_hz`, while active. The smallest useful lifecycle node: the publisher is
 * created on configure, the timer runs only while active.
 */
export class TwistPublisher extends Node {
  #pub: Publisher<'geometry_msgs/msg/Twist'> | undefined;
  #timer: Timer | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(options.name, options.namespace, context, options);
    for (const [name, spec] of Object.entries(twistPublisherKind.parameters)) this.declareParameter(name, spec);
  }

  protected override onConfigure() {
    this.#pub = this.createLifecyclePublisher('geometry_msgs/msg/Twist', 'cmd_vel');
    return 'success' as const;
  }

  protected override onActivate() {
    const rate = this.getParameter('rate_hz').value as number;
    this.#timer = this.createTimer(secondsToNs(1 / rate), () => this.#tick());
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#timer = undefined;
    return 'success' as const;
  }

  #tick(): void {
    this.#pub?.publish({
      linear: { x: this.getParameter('linear_x').value as number, y: 0, z: 0 },
      angular: { x: 0, y: 0, z: this.getParameter('angular_z').value as number },
    });
  }
}

export const twistPublisherKind: NodeKind = {
  name: 'twist_publisher',
  description: 'Publishes a constant velocity command (geometry_msgs/Twist) at a fixed rate while active.',
  parameters: {
    linear_x: { type: 'double', default: 0.2, unit: 'm/s', range: { from: -5, to: 5 }, description: 'Forward speed.' },
    angular_z: { type: 'double', default: 0.1, unit: 'rad/s', range: { from: -6.3, to: 6.3 }, description: 'Yaw rate.' },
    rate_hz: { type: 'double', default: 10, unit: 'Hz', range: { from: 0.1, to: 1000 }, description: 'Publishing rate.' },
  },
  publishes: { cmd_vel: 'geometry_msgs/msg/Twist' },
  create: (context, options) => new TwistPublisher(context, options),
};
