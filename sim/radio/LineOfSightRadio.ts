import { OutpostError } from '../../runtime/OutpostError.js';
import type { Random } from '../Random.js';
import type { GridWorld } from '../world/GridWorld.js';
import { gridLine } from './GridLine.js';
import { checkLinkBudget, type LinkQuality, type RadioModel, type RadioPoint } from './RadioModel.js';

/**
 * Parameters of the `line_of_sight` radio model (launch-file names). Defaults are IR2's
 * (parameter.py: SS_P_T, SS_THRESH, SS_PL_O, SS_DIST_O, SS_GAMMA, SS_GAMMA_OBST, SS_XG_*, SS_K_*)
 * with IR2's pixel read as 0.1 m, the scale of Outpost's shipped worlds.
 */
export interface LineOfSightRadioParams {
  /** Transmit power P_T. Unit: dBm. Default −20. */
  tx_dbm: number;
  /** A link is up while the received power is strictly above this. Unit: dBm. Default −70. */
  threshold_dbm: number;
  /** Path loss PL_0 at and below the reference distance. Unit: dB. Default 31. */
  ref_loss_db: number;
  /** Reference distance d_0 (IR2: 35 px). Unit: m. Default 3.5. */
  ref_distance_m: number;
  /** Free-space path loss exponent γ (10·γ·log10 per decade of distance). Default 2. */
  path_loss_exponent: number;
  /** Through-obstacle loss exponent γ_obst (10·γ_obst·log10 per decade of obstacle depth). Default 4. */
  obstacle_exponent: number;
  /**
   * Obstacle depth that costs 0 dB before K (IR2 counts blocked pixels, so one pixel: 0.1 m).
   * Unit: m. Default 0.1.
   */
  obstacle_ref_m: number;
  /** Shadowing X_g ~ U[min, max) dB, drawn once per episode (fixed at min when min = max). Default 0, 13. */
  xg_min_db: number;
  xg_max_db: number;
  /** Obstacle offset K ~ U[min, max) dB, drawn once per episode (fixed at min when min = max). Default 0, 13. */
  k_min_db: number;
  k_max_db: number;
  /** Budget of an up link; 0 = unlimited. Unit: bytes/s. Default 0. */
  bytes_per_second: number;
  /** Packet loss of an up link, 0..1. Default 0. */
  loss: number;
}

export const lineOfSightRadioDefaults: LineOfSightRadioParams = {
  tx_dbm: -20,
  threshold_dbm: -70,
  ref_loss_db: 31,
  ref_distance_m: 3.5,
  path_loss_exponent: 2,
  obstacle_exponent: 4,
  obstacle_ref_m: 0.1,
  xg_min_db: 0,
  xg_max_db: 13,
  k_min_db: 0,
  k_max_db: 13,
  bytes_per_second: 0,
  loss: 0,
};

/**
 * IR2's realistic signal-strength model (ss_realistic_model.py, after Bird et al.,
 * hal-03365129), on the ground-truth map:
 *
 *   cells     = Bresenham line from a's cell to b's cell, without a's own cell
 *   d_obst    = (number of those cells that are blocked: occupied, unknown or off the map) · resolution
 *   d         = Euclidean distance between the two cell centres
 *   d_free    = d − d_obst
 *   PL        = PL_0
 *             + [d_obst > 0]      (10·γ_obst·log10(d_obst / obstacle_ref) + K)
 *             + [d_free ≥ d_0]    (10·γ·log10(d_free / d_0) + X_g)
 *   P_R       = P_T − PL;  up ⇔ P_R > threshold
 *
 * With the defaults and no obstacle, the range is d_0·10^((50 − 31 − X_g)/20): 31.2 m at X_g = 0,
 * 7.0 m at X_g = 13 (IR2's 70–312 px). Differences from IR2, each deliberate:
 * - IR2 evaluates the pair in both orders and links them if either passes (env.py loops over
 *   i ≠ j); Bresenham's line a→b and b→a can differ, so this model does the same explicitly: the
 *   link's P_R is the larger of the two directions, and links are symmetric.
 * - Distances are metres on a world of any resolution; IR2 assumes 1 px = 1 unit. The obstacle
 *   term's log argument is d_obst / obstacle_ref_m; when the world's cells are smaller than
 *   obstacle_ref_m a one-cell wall would give a negative loss (a gain), so the log is floored at 0.
 *   On a 0.1 m world with the defaults this changes nothing.
 * - X_g and K come from the run's seeded Random (X_g first, then K) instead of Python's global
 *   `random`, so a seed fixes them.
 * - A robot's cell is where its continuous position falls; IR2 robots sit on pixel positions.
 */
export class LineOfSightRadio implements RadioModel {
  readonly name = 'line_of_sight';
  /** Shadowing term drawn for this episode. Unit: dB. */
  readonly xgDb: number;
  /** Obstacle offset drawn for this episode. Unit: dB. */
  readonly kDb: number;
  readonly #p: LineOfSightRadioParams;

  constructor(params: Partial<LineOfSightRadioParams>, rng: Random) {
    const p = { ...lineOfSightRadioDefaults, ...params };
    for (const key of ['ref_distance_m', 'obstacle_ref_m', 'path_loss_exponent', 'obstacle_exponent'] as const) {
      if (!(p[key] > 0))
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `radio "line_of_sight": expected ${key} > 0, got ${p[key]}`,
        );
    }
    for (const [lo, hi] of [
      ['xg_min_db', 'xg_max_db'],
      ['k_min_db', 'k_max_db'],
    ] as const) {
      if (!(p[lo] <= p[hi]))
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `radio "line_of_sight": expected ${lo} ≤ ${hi}, got ${p[lo]} > ${p[hi]}`,
        );
    }
    checkLinkBudget('line_of_sight', p.bytes_per_second, p.loss);
    this.#p = p;
    // Drawn in IR2's order, and only when the range is not a single value (as IR2 does).
    this.xgDb = p.xg_min_db !== p.xg_max_db ? rng.uniform(p.xg_min_db, p.xg_max_db) : p.xg_min_db;
    this.kDb = p.k_min_db !== p.k_max_db ? rng.uniform(p.k_min_db, p.k_max_db) : p.k_min_db;
  }

  link(world: GridWorld, a: RadioPoint, b: RadioPoint): LinkQuality {
    const [ax, ay] = world.cellOf(a.x, a.y);
    const [bx, by] = world.cellOf(b.x, b.y);
    const rssiDbm = Math.max(this.receivedDbm(world, ax, ay, bx, by), this.receivedDbm(world, bx, by, ax, ay));
    return {
      up: rssiDbm > this.#p.threshold_dbm,
      rssiDbm,
      bytesPerSecond: this.#p.bytes_per_second,
      loss: this.#p.loss,
    };
  }

  /** P_R from cell (ax, ay) to cell (bx, by), one direction, as IR2 computes it. Unit: dBm. */
  receivedDbm(world: GridWorld, ax: number, ay: number, bx: number, by: number): number {
    const p = this.#p;
    let blocked = 0;
    let first = true;
    gridLine(ax, ay, bx, by, (x, y) => {
      if (first) {
        first = false;
        return;
      } // the transmitter's own cell does not count
      if (world.isBlocked(x, y)) blocked++;
    });
    const res = world.resolution;
    const dist = Math.hypot(bx - ax, by - ay) * res;
    const dObst = blocked * res;
    const dFree = dist - dObst;
    let pl = p.ref_loss_db;
    if (dObst > 0) pl += 10 * p.obstacle_exponent * Math.max(0, Math.log10(dObst / p.obstacle_ref_m)) + this.kDb;
    if (dFree >= p.ref_distance_m) pl += 10 * p.path_loss_exponent * Math.log10(dFree / p.ref_distance_m) + this.xgDb;
    return p.tx_dbm - pl;
  }
}
