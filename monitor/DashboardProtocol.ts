/**
 * What the dashboard's WebSocket carries, server → browser, as JSON text frames. The first frame
 * is a `snapshot`; every later one a `delta` that the browser applies on top (monitor/web/
 * dashboard.js reads these shapes). Times `now` and `*_ms` are the server's wall clock in ms since
 * the epoch, so the browser can age things by the server's clock, not its own.
 *
 * Browser → server: only `{"type":"ping","id":N}` (answered `{"type":"pong","id":N,"now":...}`);
 * anything else closes that socket with 1008 (policy violation), the server stays up.
 */

export interface WireTile {
  tx: number;
  ty: number;
  w: number;
  h: number;
  /** Base64 of w·h cells, row-major from the tile's bottom row (map frame, +y up); 255 unknown. */
  cells: string;
}

export interface WireMapInfo {
  width: number;
  height: number;
  resolution: number;
  origin_x: number;
  origin_y: number;
  tile: number;
}

/** One robot's card and map overlay. Fields absent from a delta are unchanged. */
export interface WireRobot {
  name: string;
  x?: number;
  y?: number;
  yaw?: number;
  /** The trail is `trail[0..trail_from)` of what the browser had, then `trail_add` (x0, y0, x1, ...). */
  trail_from?: number;
  trail_add?: number[];
  goal?: [number, number] | null;
  path?: number[];
  /** The latest RobotTelemetry as received (NaN numbers as null), and when it came (server ms). */
  telemetry?: Record<string, unknown> | null;
  telemetry_ms?: number | null;
  /** Expected telemetry period, s: older than 3 periods is stale. */
  period_s?: number;
}

export interface WireLink {
  a: string;
  b: string;
  up: boolean;
  /** Seconds since either end last heard from the other (robots' telemetry), null when unknown. */
  age_s: number | null;
  /** Where `up` comes from: the link gate (applied), the simulator's radio (requested) or telemetry. */
  source: 'gate' | 'radio' | 'telemetry';
}

export interface WireAlert {
  robot: string;
  level: number;
  source: string;
  message: string;
  /** The robot's stamp, s (sim time in a simulation, epoch seconds on a real robot). */
  stamp_s: number;
  received_ms: number;
}

export interface WireMission {
  sim_time_s: number;
  wall_time_s: number;
  speed_up: number;
  coverage: number;
  robots: number;
  done: boolean;
  reason: string;
}

export interface DashboardSnapshot {
  type: 'snapshot';
  now: number;
  map: WireMapInfo | null;
  tiles: WireTile[];
  robots: WireRobot[];
  links: WireLink[];
  alerts: WireAlert[];
  mission: WireMission | null;
  /** (sim_time_s, coverage) pairs, flattened. */
  coverage: number[];
}

export interface DashboardDelta {
  type: 'delta';
  now: number;
  /** A new map geometry: the browser drops its tiles before applying `tiles`. */
  map?: WireMapInfo;
  tiles?: WireTile[];
  robots?: WireRobot[];
  links?: WireLink[];
  /** Newest first, to go in front of what the browser has. */
  alerts_add?: WireAlert[];
  mission?: WireMission;
  /** The series was thinned: drop what you have, `coverage_add` is all of it. */
  coverage_reset?: boolean;
  coverage_add?: number[];
}

export type DashboardMessage = DashboardSnapshot | DashboardDelta;
