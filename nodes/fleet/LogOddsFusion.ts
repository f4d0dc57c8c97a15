/**
 * How several robots' beliefs about one cell become one value (the merge rule of TiledMap).
 *
 * A cell is −1 (unknown) or an occupancy probability 0..100 (nav_msgs/OccupancyGrid). Known beats
 * unknown: unknown layers are ignored, and a cell nobody knows stays −1. Where several robots know a
 * cell, their probabilities are fused as independent evidence over a 0.5 prior: log-odds add
 * (Thrun, Burgard, Fox, "Probabilistic Robotics", §9.2).
 *
 * To make the result a deterministic function of the set of layers, bit for bit on every robot and
 * in every arrival order, the sum is done in integers: each value 0..100 maps to a fixed integer
 * log-odds in milli-nepers, L(v) = round(1000·ln(v/(100−v))) for 1..99 and ±L_MAX for 0 and 100.
 * Integer addition is commutative and associative, so no float rounding depends on order. The sum is
 * clamped to ±L_MAX and mapped back to the value whose L is nearest (ties to the lower value). L is
 * strictly increasing, so one known layer comes back unchanged: fuse([v]) = v.
 */

/** Log-odds of 0 and 100: as if p were 0.005/0.995 (beyond 1/99, so they stay distinct). */
export const L_MAX = Math.round(1000 * Math.log(0.995 / 0.005));

/** L(v) for v = 0..100. */
export const LOG_ODDS: Int32Array = (() => {
  const t = new Int32Array(101);
  for (let v = 1; v < 100; v++) t[v] = Math.round(1000 * Math.log(v / (100 - v)));
  t[0] = -L_MAX;
  t[100] = L_MAX;
  return t;
})();

/** Value whose L is nearest to a clamped sum; a table over −L_MAX..L_MAX so fusion never searches. */
const FROM_LOG_ODDS: Int8Array = (() => {
  const t = new Int8Array(2 * L_MAX + 1);
  let v = 0;
  for (let l = -L_MAX; l <= L_MAX; l++) {
    while (v < 100 && LOG_ODDS[v + 1]! - l < l - LOG_ODDS[v]!) v++;
    t[l + L_MAX] = v;
  }
  return t;
})();

/** Value 0..100 for a sum of log-odds (clamped to ±L_MAX). */
export function fromLogOdds(sum: number): number {
  // biome-ignore lint/complexity/useMathMinMax: per-cell hot path; the clamp reads as one expression
  const c = sum < -L_MAX ? -L_MAX : sum > L_MAX ? L_MAX : sum;
  return FROM_LOG_ODDS[c + L_MAX]!;
}

/** Fuses cell values (−1 = unknown, else 0..100); order does not matter. */
export function fuseCells(values: ArrayLike<number>): number {
  let known = 0;
  let sum = 0;
  let only = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) continue;
    known++;
    only = v;
    sum += LOG_ODDS[v]!;
  }
  if (known <= 1) return only;
  return fromLogOdds(sum);
}

/** True for a valid occupancy cell value: −1 or an integer 0..100. */
export function isCellValue(v: number): boolean {
  return Number.isInteger(v) && v >= -1 && v <= 100;
}
