/**
 * A planned path as RobotTelemetry's `path_xy` (x0, y0, x1, y1, ...): at most `maxPoints` points,
 * evenly spaced by index, the first and last always kept (the robot and its goal).
 */
export function downsamplePath(points: ReadonlyArray<{ x: number; y: number }>, maxPoints: number): number[] {
  const n = points.length;
  if (n === 0 || maxPoints <= 0) return [];
  const keep = Math.min(n, Math.max(2, maxPoints));
  const out: number[] = [];
  for (let i = 0; i < keep; i++) {
    const p = points[n === 1 ? 0 : Math.round((i * (n - 1)) / (keep - 1))]!;
    out.push(p.x, p.y);
  }
  return n === 1 ? out.slice(0, 2) : out;
}
