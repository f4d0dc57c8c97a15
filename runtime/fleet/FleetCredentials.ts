import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OutpostError, describeValue } from '../OutpostError.js';
import type { FleetUser } from './FleetAccess.js';

/**
 * A fleet's credentials file (YAML), shared by the robots of a fleet so each robot's broker knows
 * its teammates' logins:
 *
 *   users:
 *     - { username: r1, password: "..." }
 *     - { username: gs, password: "...", ground_station: true }
 *     - { username: groundstation, password: "...", read_only: true }
 *
 * `ground_station: true` may publish anywhere in the fleet's tree; `read_only: true` (the
 * groundstation node's monitor login) may only subscribe (FleetAccess).
 *
 * Keep it readable only by the robot's user (chmod 600); brokers keep only scrypt hashes in memory.
 */
export function loadFleetCredentials(path: string): FleetUser[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_AUTH',
      `credentials file ${path}: cannot read it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const users = (doc as { users?: unknown } | null)?.users;
  if (!Array.isArray(users) || users.length === 0) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_AUTH',
      `credentials file ${path}: expected a non-empty "users" list, got ${describeValue(users)}`,
    );
  }
  return users.map((u: unknown, i) => {
    const e = u as { username?: unknown; password?: unknown; ground_station?: unknown; read_only?: unknown } | null;
    if (typeof e?.username !== 'string' || typeof e.password !== 'string' || e.password.length === 0) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_AUTH',
        `credentials file ${path}: users[${i}] needs a text "username" and a non-empty text "password"`,
      );
    }
    return {
      username: e.username,
      password: e.password,
      groundStation: e.ground_station === true,
      readOnly: e.read_only === true,
    };
  });
}
