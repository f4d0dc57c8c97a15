import {
  KindNode,
  Time,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
  type Timer,
} from '../../runtime/index.js';
import { yawFromQuaternion } from '../../runtime/geometry/Quaternions.js';
import type { Pose2D } from './LogOddsGrid.js';
import { navStatusMessage, type NavState } from './NavStatus.js';
import { PathFollower } from './PathFollower.js';

const num = (d: number, unit: string, to: number, description: string) => ({
  type: 'double' as const,
  default: d,
  unit,
  range: { from: 0, to },
  description,
});

const spec = nodeKindSpec({
  name: 'controller',
  description:
    'Pure-pursuit path follower for a differential-drive robot: plan + odom → cmd_vel, with stuck recovery and ~/status.',
  parameters: {
    control_hz: { type: 'double', default: 20, unit: 'Hz', range: { from: 1, to: 1000 }, description: 'Control rate.' },
    lookahead: num(0.4, 'm', 20, 'Pure-pursuit carrot distance along the plan.'),
    max_linear: num(0.3, 'm/s', 20, 'Forward speed limit.'),
    max_angular: num(1.0, 'rad/s', 20, 'Yaw rate limit.'),
    min_linear: num(0.05, 'm/s', 5, 'Speed floor while approaching the goal.'),
    rotate_in_place_angle: num(
      0.8,
      'rad',
      3.2,
      'Turn on the spot when the carrot is further off the heading than this.',
    ),
    angular_gain: num(2.0, '1/s', 100, 'Yaw rate per rad of heading error when turning on the spot.'),
    goal_tolerance: num(0.15, 'm', 10, "Stop within this distance of the plan's last pose."),
    approach_distance: num(0.6, 'm', 20, 'Slow down linearly within this distance of the goal.'),
    stuck_time: num(4, 's', 600, 'Stuck when the remaining distance did not shrink by stuck_distance in this time.'),
    stuck_distance: num(0.05, 'm', 10, 'Progress that counts (see stuck_time).'),
    recovery_backup_speed: num(0.1, 'm/s', 5, 'Recovery: reverse speed.'),
    recovery_backup_time: num(1.5, 's', 60, 'Recovery: how long to back up.'),
    recovery_rotate_time: num(
      1.5,
      's',
      60,
      'Recovery: how long to rotate (at max_angular/2, towards the plan) after backing up.',
    ),
    max_recoveries: {
      type: 'integer',
      default: 2,
      range: { from: 0, to: 100 },
      description: 'Recoveries per goal before giving up (status aborted).',
    },
    odom_timeout: num(0.5, 's', 60, 'Stop when the newest pose is older than this.'),
    plan_timeout: num(
      0,
      's',
      3600,
      'Stop when the newest plan is older than this; 0 = plans never go stale (the planner replans on map changes only).',
    ),
    map_frame: { type: 'string', default: 'map', description: 'frame_id of the status messages.' },
  },
  publishes: { cmd_vel: 'geometry_msgs/msg/Twist', '~/status': 'outpost_msgs/msg/NavStatus' },
  subscribes: { plan: 'nav_msgs/msg/Path', odom: 'nav_msgs/msg/Odometry', goal: 'geometry_msgs/msg/PoseStamped' },
});

/**
 * Path-following controller (node kind `controller`): pure pursuit (PathFollower) of `plan` from
 * the pose on `odom`, publishing geometry_msgs/Twist on `cmd_vel` at `control_hz`, all timing from
 * the node clock. Publishes zero velocity every cycle while there is no plan, the plan is empty,
 * older than `plan_timeout`, or the pose is older than `odom_timeout` (a lost zero must not leave
 * the wheels turning). `~/status` (outpost_msgs/NavStatus, latched) reports following, reached,
 * stuck (a recovery starts: back up, rotate), aborted (stuck after `max_recoveries`: stopped until
 * a new `goal`) and idle. A message on `goal` starts a new goal (recoveries reset).
 */
export class ControllerNode extends KindNode<typeof spec> {
  #follower: PathFollower | undefined;
  #pose: Pose2D | undefined;
  #poseStamp = new Time(0n);
  #planStamp = new Time(0n);
  #cmdPub: Publisher<'geometry_msgs/msg/Twist'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/NavStatus'> | undefined;
  #timer: Timer | undefined;
  #state: NavState | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get follower(): PathFollower | undefined {
    return this.#follower;
  }

  protected override onConfigure() {
    const p = this.params;
    this.#follower = new PathFollower({
      lookahead: p.lookahead,
      maxLinear: p.max_linear,
      maxAngular: p.max_angular,
      minLinear: p.min_linear,
      rotateInPlaceAngle: p.rotate_in_place_angle,
      angularGain: p.angular_gain,
      goalTolerance: p.goal_tolerance,
      approachDistance: p.approach_distance,
      stuckTime: p.stuck_time,
      stuckDistance: p.stuck_distance,
      recoveryBackupSpeed: p.recovery_backup_speed,
      recoveryBackupTime: p.recovery_backup_time,
      recoveryRotateTime: p.recovery_rotate_time,
      maxRecoveries: p.max_recoveries,
    });
    this.#cmdPub = this.publisher('cmd_vel', { lifecycle: true });
    this.#statusPub = this.publisher('~/status', { lifecycle: true, qos: { durability: 'transient_local', depth: 1 } });
    this.subscription('odom', { qos: 5 }, (m) => {
      this.#pose = {
        x: m.pose.pose.position.x,
        y: m.pose.pose.position.y,
        yaw: yawFromQuaternion(m.pose.pose.orientation),
      };
      this.#poseStamp = this.now();
    });
    this.subscription('plan', { qos: { durability: 'transient_local', depth: 1 } }, (m) => {
      this.#planStamp = this.now();
      this.#follower?.setPath(
        m.poses.map((p) => ({ x: p.pose.position.x, y: p.pose.position.y })),
        this.now().seconds,
      );
    });
    this.subscription('goal', { qos: 10 }, () => this.#follower?.newGoal());
    return 'success' as const;
  }

  protected override onActivate() {
    this.#timer = this.createTimer(secondsToNs(1 / this.params.control_hz), () => this.#control());
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#timer = undefined;
    // The state is still active during this callback: the stop goes out before publishers close.
    this.#publish(0, 0);
    return 'success' as const;
  }

  #control(): void {
    const f = this.#follower;
    if (f === undefined) return;
    const now = this.now();
    const age = (t: Time) => Number(now.sub(t)) / 1e9;
    const planTimeout = this.params.plan_timeout;
    const staleOdom = this.#pose === undefined || age(this.#poseStamp) > this.params.odom_timeout;
    const stalePlan = planTimeout > 0 && age(this.#planStamp) > planTimeout;
    if (staleOdom || stalePlan) {
      this.#publish(0, 0);
      if (f.state !== 'idle' && f.state !== 'reached' && f.state !== 'aborted') {
        this.#report('waiting', staleOdom ? 'no recent pose on odom: stopped' : 'plan is stale: stopped', 0);
      }
      return;
    }
    const cmd = f.update(this.#pose!, now.seconds);
    this.#publish(cmd.v, cmd.w);
    if (cmd.event === 'stuck')
      this.#report(
        'stuck',
        `no progress for ${f.params.stuckTime} s: recovery ${f.recoveries} of ${f.params.maxRecoveries}`,
        cmd.remaining,
        true,
      );
    else if (cmd.event === 'aborted')
      this.#report('aborted', `still stuck after ${f.params.maxRecoveries} recoveries`, cmd.remaining, true);
    else if (cmd.state === 'recovering') this.#report('recovering', '', cmd.remaining);
    else this.#report(cmd.state, '', cmd.remaining);
  }

  #publish(v: number, w: number): void {
    this.#cmdPub?.publish({ linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } });
  }

  #report(state: NavState, detail: string, remaining: number, force = false): void {
    if (state === this.#state && !force) return;
    if (state === 'recovering' && this.#state === 'stuck') {
      this.#state = state;
      return;
    } // stuck already said it
    this.#state = state;
    const end = this.#follower?.path.at(-1);
    this.#statusPub?.publish(
      navStatusMessage(this.now(), this.params.map_frame, { state, goal: end, distanceRemaining: remaining, detail }),
    );
  }
}

export const controllerKind = defineNodeKind(spec, (context, options) => new ControllerNode(context, options));
