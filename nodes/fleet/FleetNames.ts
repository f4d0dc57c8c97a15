/**
 * The robots of a fleet: `r1..rN` when a count N > 0 is given (launch files cannot build a list
 * from a count), else the listed names. The one place this naming rule lives: the simulator names
 * the robots it spawns with it, and every node that needs its teammates reads them with it.
 */
export function fleetRobotNames(count: number, listed: readonly string[] = []): string[] {
  return count > 0 ? Array.from({ length: count }, (_, i) => `r${i + 1}`) : [...listed];
}

/** This robot's name: the explicit one, else the last segment of its namespace (`/r2` → `r2`). */
export function ownRobotName(explicit: string, namespace: string): string {
  return (
    explicit ||
    (namespace
      .split('/')
      .filter((s) => s !== '')
      .pop() ??
      '')
  );
}
