import { quaternionFromYaw, type MessageOf } from '../../runtime/index.js';

/** Messages for navigation tests (planner, controller): a room map, odometry and goals in the map frame. */
const T0 = { sec: 0, nanosec: 0 };

/** A 6 m × 4 m map at 0.1 m: border walls and a wall across x = 3 m from y = 0 up to y = 3 m. */
export function roomMap(gap = true): MessageOf<'nav_msgs/msg/OccupancyGrid'> {
  const w = 60;
  const h = 40;
  const data = new Int8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const border = x === 0 || y === 0 || x === w - 1 || y === h - 1;
      const wall = x === 30 && (gap ? y < 30 : true);
      data[y * w + x] = border || wall ? 100 : 0;
    }
  }
  return {
    header: { stamp: T0, frame_id: 'map' },
    info: {
      map_load_time: T0,
      resolution: 0.1,
      width: w,
      height: h,
      origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    },
    data,
  };
}

export function odomAt(x: number, y: number, yaw: number): MessageOf<'nav_msgs/msg/Odometry'> {
  return {
    header: { stamp: T0, frame_id: 'map' },
    child_frame_id: 'r1/base_link',
    pose: { pose: { position: { x, y, z: 0 }, orientation: quaternionFromYaw(yaw) }, covariance: new Float64Array(36) },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Float64Array(36) },
  };
}

export function goalAt(x: number, y: number): MessageOf<'geometry_msgs/msg/PoseStamped'> {
  return {
    header: { stamp: T0, frame_id: 'map' },
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  };
}
