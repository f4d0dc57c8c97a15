import {
  KindNode,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
} from '../../runtime/index.js';

const spec = nodeKindSpec({
  name: 'map_revealer',
  description:
    'Example map source: publishes a growing occupancy grid of a procedural world seen along a circular path.',
  parameters: {
    width: { type: 'integer', default: 200, range: { from: 8, to: 4096 }, description: 'Map width in cells.' },
    height: { type: 'integer', default: 200, range: { from: 8, to: 4096 }, description: 'Map height in cells.' },
    resolution: { type: 'double', default: 0.1, unit: 'm', range: { from: 0.01, to: 10 }, description: 'Cell edge.' },
    seed: {
      type: 'integer',
      default: 1,
      range: { from: 0, to: 1e9 },
      description: 'World seed (robots of one fleet share it).',
    },
    phase: {
      type: 'double',
      default: 0,
      unit: 'rad',
      range: { from: -7, to: 7 },
      description: 'Where on the circle this robot starts.',
    },
    angular_speed: {
      type: 'double',
      default: 0.3,
      unit: 'rad/s',
      range: { from: -10, to: 10 },
      description: 'How fast it goes round.',
    },
    sensor_range_cells: {
      type: 'integer',
      default: 12,
      range: { from: 1, to: 500 },
      description: 'Radius seen around the path, in cells.',
    },
    rate_hz: {
      type: 'double',
      default: 2,
      unit: 'Hz',
      range: { from: 0.1, to: 50 },
      description: 'Map publishing rate.',
    },
  },
  publishes: { map: 'nav_msgs/msg/OccupancyGrid' },
});

/**
 * A stand-in for a robot's mapper until the simulator's exploration stack drives one: it "drives"
 * a circle through a procedural world (walls on a seeded grid of rooms) and publishes, as
 * nav_msgs/OccupancyGrid on `map`, the cells seen so far within `sensor_range` of its path. Each
 * robot with another `seed`/`phase` sees other parts, which is what map sync needs to show.
 */
export class MapRevealer extends KindNode<typeof spec> {
  #pub: Publisher<'nav_msgs/msg/OccupancyGrid'> | undefined;
  #known: Int8Array = new Int8Array(0);
  #t = 0;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  protected override onConfigure() {
    this.#known = new Int8Array(this.params.width * this.params.height).fill(-1);
    this.#pub = this.publisher('map', { lifecycle: true, qos: { durability: 'transient_local', depth: 1 } });
    return 'success' as const;
  }

  protected override onActivate() {
    this.createTimer(secondsToNs(1 / this.params.rate_hz), () => this.#step());
    return 'success' as const;
  }

  #step(): void {
    const p = this.params;
    const w = p.width;
    const h = p.height;
    const range = p.sensor_range_cells;
    this.#t += 1 / p.rate_hz;
    // A circle of radius 1/3 of the map around its centre, started at `phase` (rad).
    const a = p.phase + this.#t * p.angular_speed;
    const cx = Math.round(w / 2 + (w / 3) * Math.cos(a));
    const cy = Math.round(h / 2 + (h / 3) * Math.sin(a));
    for (let y = Math.max(0, cy - range); y < Math.min(h, cy + range); y++) {
      for (let x = Math.max(0, cx - range); x < Math.min(w, cx + range); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= range * range) this.#known[y * w + x] = worldCell(x, y, p.seed);
      }
    }
    this.#pub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: 'map' },
      info: {
        map_load_time: this.now().toMsg(),
        resolution: p.resolution,
        width: w,
        height: h,
        origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: this.#known,
    });
  }
}

/** Rooms of 20 cells with 1-cell walls and doors: 100 (occupied) or 0 (free). */
function worldCell(x: number, y: number, seed: number): number {
  const door = (k: number): number => ((k * 7919 + seed * 104729) % 13) + 4;
  if (x % 20 === 0 && y % 20 !== door(Math.floor(x / 20))) return 100;
  if (y % 20 === 0 && x % 20 !== door(Math.floor(y / 20) + 31)) return 100;
  return 0;
}

export const mapRevealerKind = defineNodeKind(spec, (context, options) => new MapRevealer(context, options));
