import type { MessageOf, Time } from '../../runtime/index.js';

/** The states of outpost_msgs/msg/NavStatus, by name, with their wire codes. */
export const NAV_STATUS = {
  idle: 0,
  waiting: 1,
  planned: 2,
  unreachable: 3,
  following: 4,
  reached: 5,
  stuck: 6,
  recovering: 7,
  aborted: 8,
} as const;

export type NavState = keyof typeof NAV_STATUS;

export interface NavStatusFields {
  state: NavState;
  goal?: { x: number; y: number } | undefined;
  distanceRemaining?: number;
  detail?: string;
}

/** Builds an outpost_msgs/msg/NavStatus stamped `now` in `frameId`. */
export function navStatusMessage(
  now: Time,
  frameId: string,
  f: NavStatusFields,
): MessageOf<'outpost_msgs/msg/NavStatus'> {
  return {
    header: { stamp: now.toMsg(), frame_id: frameId },
    status: NAV_STATUS[f.state],
    state: f.state,
    goal: { position: { x: f.goal?.x ?? 0, y: f.goal?.y ?? 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    distance_remaining: f.distanceRemaining ?? 0,
    detail: f.detail ?? '',
  };
}
