/**
 * An angle in radians wrapped into [-π, π]. atan2 of its sine and cosine rather than adding or
 * subtracting 2π in a loop: one expression, no drift for large inputs, and the arithmetic every
 * caller had before it was shared, so simulated missions stay bit-identical.
 */
export function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
