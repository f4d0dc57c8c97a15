import { OutpostError } from '../../runtime/OutpostError.js';
import type { Random } from '../Random.js';
import type { GridWorld } from '../world/GridWorld.js';
import { checkLinkBudget, type LinkQuality, type RadioModel, type RadioPoint } from './RadioModel.js';

/** Parameters of the `distance` radio model (launch-file names). */
export interface DistanceRadioParams {
  /** Link is up while the robots are closer than this. Unit: m. Default 9 (IR2's U[30,150] px midpoint at 0.1 m/px). */
  range_m: number;
  /**
   * When range_min_m < range_max_m, the range is drawn once per episode, uniform in
   * [range_min_m, range_max_m), from the run's seed, and range_m is ignored (IR2's proximity model:
   * U[30, 150) px, i.e. 3 and 15 at 0.1 m/px). Unit: m. Default 0 and 0 (no draw).
   */
  range_min_m: number;
  range_max_m: number;
  /** Budget of an up link; 0 = unlimited. Unit: bytes/s. Default 0. */
  bytes_per_second: number;
  /** Packet loss of an up link, 0..1. Default 0. */
  loss: number;
}

export const distanceRadioDefaults: DistanceRadioParams = {
  range_m: 9,
  range_min_m: 0,
  range_max_m: 0,
  bytes_per_second: 0,
  loss: 0,
};

/**
 * Fixed-range radio: a link is up iff the two robots are strictly closer than the range, walls or
 * not (IR2's "proximity" alternative, env.py: `dist < max_comms_proximity`). IR2 draws an integer
 * pixel range with np.random.randint(30, 150); here the draw is continuous in metres.
 */
export class DistanceRadio implements RadioModel {
  readonly name = 'distance';
  /** The range in force this episode. Unit: m. */
  readonly rangeM: number;
  readonly #params: DistanceRadioParams;

  constructor(params: Partial<DistanceRadioParams>, rng: Random) {
    const p = { ...distanceRadioDefaults, ...params };
    const draw = p.range_min_m < p.range_max_m;
    if (draw ? !(p.range_min_m > 0) : !(p.range_m > 0)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `radio "distance": expected a range > 0 m, got ${draw ? `range_min_m ${p.range_min_m}` : `range_m ${p.range_m}`}`,
      );
    }
    checkLinkBudget('distance', p.bytes_per_second, p.loss);
    this.#params = p;
    this.rangeM = draw ? rng.uniform(p.range_min_m, p.range_max_m) : p.range_m;
  }

  link(_world: GridWorld, a: RadioPoint, b: RadioPoint): LinkQuality {
    const up = Math.hypot(a.x - b.x, a.y - b.y) < this.rangeM;
    return { up, rssiDbm: Number.NaN, bytesPerSecond: this.#params.bytes_per_second, loss: this.#params.loss };
  }
}
