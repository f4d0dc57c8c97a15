import type { Client, KindNode, MessageOf, Publisher } from '../runtime/index.js';
import type { RobotFirmware } from './firmware/firmwareModels.js';
import type { simulatorSpec } from './SimulatorSpec.js';
import type { CoverageRobot } from './TeamCoverage.js';
import type { Vehicle, VelocityCommand } from './vehicles/Vehicle.js';

/** One simulated robot: its vehicle, its endpoints on the simulator node, its firmware if any. */
export interface SimRobot extends CoverageRobot {
  name: string;
  vehicle: Vehicle;
  /** The latest cmd_vel (what the vehicle follows without firmware). */
  cmd: VelocityCommand;
  odom: Publisher<'nav_msgs/msg/Odometry'>;
  scan: Publisher<'sensor_msgs/msg/LaserScan'>;
  sync: Client<'outpost_msgs/srv/FleetSync'> | undefined;
  /** `cmd_vel` messages received (the motor bridge stamps the same count on its commands). */
  cmdCount: number;
  /** With `firmware` other than none: the simulated firmware across a pty pair; it drives the vehicle. */
  firmware: RobotFirmware | undefined;
}

export interface SpawnOptions {
  /** Lock-step with the robot's fleet_link (a FleetSync client). */
  fleetSync: boolean;
  /** The robot's map coverage is measured on (relative to /rX). */
  mapTopic: string;
  onMap: (robot: SimRobot, m: MessageOf<'nav_msgs/msg/OccupancyGrid'>) => void;
}

/** Spawns robot `name` with `vehicle`: creates its odom and scan publishers, sync client and subscriptions. */
export function spawnSimRobot(
  node: KindNode<typeof simulatorSpec>,
  name: string,
  vehicle: Vehicle,
  o: SpawnOptions,
): SimRobot {
  const robot: SimRobot = {
    name,
    vehicle,
    cmd: { linear: 0, angular: 0 },
    odom: node.publisher('/{robot}/odom', { qos: 10, with: { robot: name } }),
    scan: node.publisher('/{robot}/scan', { qos: { reliability: 'best_effort', depth: 5 }, with: { robot: name } }),
    known: undefined,
    sync: o.fleetSync ? node.client('/{robot}/fleet_link/sync', { robot: name }) : undefined,
    cmdCount: 0,
    firmware: undefined,
  };
  node.subscription('/{robot}/cmd_vel', { qos: 10, with: { robot: name } }, (m) => {
    robot.cmd = { linear: m.linear.x, angular: m.angular.z };
    robot.cmdCount++;
  });
  node.subscription(
    '/{robot}/{coverage_map_topic*}',
    { qos: 2, with: { robot: name, coverage_map_topic: o.mapTopic } },
    (m) => o.onMap(robot, m),
  );
  return robot;
}
