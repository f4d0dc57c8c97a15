/** The MAVLink enum values the bridge and the simulated autopilot use (common.xml, minimal.xml). */
export const MAV_TYPE = { QUADROTOR: 2, GCS: 6, ONBOARD_CONTROLLER: 18 } as const;
export const MAV_AUTOPILOT = { GENERIC: 0, ARDUPILOTMEGA: 3, INVALID: 8, PX4: 12 } as const;
export const MAV_MODE_FLAG = { CUSTOM_MODE_ENABLED: 1, SAFETY_ARMED: 128 } as const;
export const MAV_STATE = { STANDBY: 3, ACTIVE: 4 } as const;
export const MAV_CMD = { DO_SET_MODE: 176, COMPONENT_ARM_DISARM: 400 } as const;
export const MAV_RESULT = [
  'ACCEPTED',
  'TEMPORARILY_REJECTED',
  'DENIED',
  'UNSUPPORTED',
  'FAILED',
  'IN_PROGRESS',
  'CANCELLED',
] as const;
export const MAV_FRAME_LOCAL_NED = 1;
/** Velocity in the body frame rotated by heading only (x forward, y right, z down). */
export const MAV_FRAME_BODY_NED = 8;
export const MAV_COMP_ID_AUTOPILOT1 = 1;
export const MAV_COMP_ID_ONBOARD_COMPUTER = 191;

/** SET_POSITION_TARGET_LOCAL_NED.type_mask bits: a set bit means "ignore this field". */
export const POSITION_TARGET_IGNORE = {
  X: 1,
  Y: 2,
  Z: 4,
  VX: 8,
  VY: 16,
  VZ: 32,
  AFX: 64,
  AFY: 128,
  AFZ: 256,
  FORCE: 512,
  YAW: 1024,
  YAW_RATE: 2048,
} as const;
const I = POSITION_TARGET_IGNORE;
/** Velocity and yaw rate only. */
export const TYPE_MASK_VELOCITY = I.X | I.Y | I.Z | I.AFX | I.AFY | I.AFZ | I.YAW;
/** Position and yaw only. */
export const TYPE_MASK_POSITION = I.VX | I.VY | I.VZ | I.AFX | I.AFY | I.AFZ | I.YAW_RATE;

/**
 * PX4 custom modes as HEARTBEAT.custom_mode carries them: main mode in bits 16–23, sub mode in
 * bits 24–31 (PX4 `px4_custom_mode.h`).
 */
export const PX4_MAIN_MODE = {
  MANUAL: 1,
  ALTCTL: 2,
  POSCTL: 3,
  AUTO: 4,
  ACRO: 5,
  OFFBOARD: 6,
  STABILIZED: 7,
  RATTITUDE: 8,
} as const;
export const PX4_AUTO_SUB_MODE = {
  READY: 1,
  TAKEOFF: 2,
  LOITER: 3,
  MISSION: 4,
  RTL: 5,
  LAND: 6,
  FOLLOW_TARGET: 8,
  PRECLAND: 9,
} as const;

export function px4CustomMode(main: number, sub = 0): number {
  return (((main & 0xff) << 16) | ((sub & 0xff) << 24)) >>> 0;
}

/** "OFFBOARD", "AUTO.LOITER", or CUSTOM(0x...) for a mode this table does not know. */
export function px4ModeName(customMode: number): string {
  const main = (customMode >>> 16) & 0xff;
  const sub = (customMode >>> 24) & 0xff;
  const mainName = Object.entries(PX4_MAIN_MODE).find(([, v]) => v === main)?.[0];
  if (mainName === undefined) return `CUSTOM(0x${customMode.toString(16)})`;
  if (main !== PX4_MAIN_MODE.AUTO) return mainName;
  const subName = Object.entries(PX4_AUTO_SUB_MODE).find(([, v]) => v === sub)?.[0];
  return subName === undefined ? `AUTO.${sub}` : `AUTO.${subName}`;
}

/** Parses "OFFBOARD" / "AUTO.LOITER" to (main, sub); undefined if unknown. */
export function px4ModeFromName(name: string): { main: number; sub: number } | undefined {
  const [m, s] = name.toUpperCase().split('.');
  const main = PX4_MAIN_MODE[m as keyof typeof PX4_MAIN_MODE];
  if (main === undefined) return undefined;
  if (s === undefined) return { main, sub: 0 };
  const sub = PX4_AUTO_SUB_MODE[s as keyof typeof PX4_AUTO_SUB_MODE];
  return main === PX4_MAIN_MODE.AUTO && sub !== undefined ? { main, sub } : undefined;
}
