import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { TOPIC_ROOT, assertFleetName } from './FleetTopics.js';

/**
 * Who may do what on a fleet broker. One rule, enforced by the embedded Aedes broker and written out
 * as a Mosquitto ACL file, so both brokers behave the same:
 * - a robot may publish only under its own namespace `outpost/<fleet>/<robot>/#` (data and the acks it sends);
 * - a robot may subscribe to anything under `outpost/<fleet>/#` (teammates' data and acks addressed to it);
 * - a `groundStation` user may also publish anywhere under `outpost/<fleet>/#` (e.g. to replay or inject).
 */
export interface FleetUser {
  username: string;
  /** Stored as a salted scrypt hash; the clear text is not kept. */
  password: string;
  /** Grants publish on the whole fleet tree. Default false. */
  groundStation?: boolean;
}

interface StoredUser {
  salt: Buffer;
  hash: Buffer;
  groundStation: boolean;
}

const KEY_LEN = 32;
// scrypt N=2^14 (the Node default): ~30 ms per check on a fast machine, ~100 ms on the simulator's
// 2-vCPU VM. In the simulator every robot's embedded broker lists the whole fleet, so N robots paid
// N² derivations at start-up and N·(N−1) more at the first logins: 15% of a 120 s mission's wall
// time for 4 robots (CPU profile, issue #4). Derivations are therefore shared within the process.
const hashPassword = (password: string, salt: Buffer): Buffer => scryptSync(password, salt, KEY_LEN);

/**
 * Process-wide memory of scrypt work, keyed by HMACs under a key that never leaves this process
 * (the clear text is not kept): the salted hash derived for a (username, password), reused by
 * every FleetAccess in the process that lists the same user with the same password, and the
 * (username, password, salt, hash) combinations known to match, so a login that passed once (or a
 * password that was just hashed) is not derived again.
 */
const CACHE_KEY = randomBytes(32);
const derived = new Map<string, { salt: Buffer; hash: Buffer }>();
const verified = new Set<string>();
const userToken = (username: string, password: string): string =>
  createHmac('sha256', CACHE_KEY).update(username).update('\0').update(password).digest('hex');
const matchToken = (username: string, password: string, u: { salt: Buffer; hash: Buffer }): string =>
  createHmac('sha256', CACHE_KEY).update(username).update('\0').update(password).update('\0').update(u.salt).update(u.hash).digest('hex');

const pending = new Map<string, Promise<void>>();

/** Derives (username, password)'s salted hash on the libuv thread pool unless the process has it. */
function deriveInBackground(username: string, password: string): Promise<void> {
  const key = userToken(username, password);
  if (derived.has(key)) return Promise.resolve();
  let p = pending.get(key);
  if (p === undefined) {
    const salt = randomBytes(16);
    p = new Promise<void>((resolve, reject) => {
      scrypt(password, salt, KEY_LEN, (err, hash) => {
        pending.delete(key);
        if (err !== null) { reject(err); return; }
        if (!derived.has(key)) {
          const d = { salt, hash };
          derived.set(key, d);
          verified.add(matchToken(username, password, d));
        }
        resolve();
      });
    });
    pending.set(key, p);
  }
  return p;
}

export class FleetAccess {
  readonly fleet: string;
  readonly #users = new Map<string, StoredUser>();

  /**
   * Like the constructor, but derives the users' hashes concurrently on the thread pool first
   * (a fleet's users at start-up: several scrypt runs in parallel instead of one after another on
   * the event loop).
   */
  static async create(fleet: string, users: readonly FleetUser[] = []): Promise<FleetAccess> {
    assertFleetName('fleet', fleet);
    for (const u of users) assertFleetName('robot', u.username);
    await Promise.all(users.map((u) => deriveInBackground(u.username, u.password)));
    return new FleetAccess(fleet, users);
  }

  constructor(fleet: string, users: readonly FleetUser[] = []) {
    assertFleetName('fleet', fleet);
    this.fleet = fleet;
    for (const u of users) this.addUser(u);
  }

  addUser(u: FleetUser): void {
    assertFleetName('robot', u.username);
    const key = userToken(u.username, u.password);
    let d = derived.get(key);
    if (d === undefined) {
      const salt = randomBytes(16);
      d = { salt, hash: hashPassword(u.password, salt) };
      derived.set(key, d);
      verified.add(matchToken(u.username, u.password, d));
    }
    this.#users.set(u.username, { salt: d.salt, hash: d.hash, groundStation: u.groundStation === true });
  }

  /** Constant-time check of a username and password. */
  authenticate(username: string | undefined, password: Uint8Array | string | undefined): boolean {
    if (username === undefined || password === undefined) return false;
    const u = this.#users.get(username);
    if (u === undefined) return false;
    const text = typeof password === 'string' ? password : Buffer.from(password).toString('utf8');
    // scrypt blocks the event loop; robots reconnect every time a radio link comes back. A
    // password that matched this salt and hash once is remembered (as an HMAC, see `verified`).
    const token = matchToken(username, text, u);
    if (verified.has(token)) return true;
    const ok = timingSafeEqual(hashPassword(text, u.salt), u.hash);
    if (ok) verified.add(token);
    return ok;
  }

  mayPublish(username: string | undefined, topic: string): boolean {
    if (username === undefined || !this.#users.has(username)) return false;
    const prefix = `${TOPIC_ROOT}/${this.fleet}/`;
    if (this.#users.get(username)!.groundStation) return topic.startsWith(prefix);
    return topic.startsWith(`${prefix}${username}/`) && topic.length > prefix.length + username.length + 1;
  }

  maySubscribe(username: string | undefined, filter: string): boolean {
    if (username === undefined || !this.#users.has(username)) return false;
    const levels = filter.split('/');
    // `#` or `+` at the first two levels would reach outside the fleet's tree.
    return levels.length >= 3 && levels[0] === TOPIC_ROOT && levels[1] === this.fleet;
  }

  /** The same rules as a Mosquitto `acl_file` (user patterns use %u, the connecting username). */
  mosquittoAcl(): string {
    const lines = [`# generated by Outpost FleetAccess for fleet "${this.fleet}"`];
    for (const [name, u] of this.#users) {
      if (u.groundStation) lines.push(`user ${name}`, `topic readwrite ${TOPIC_ROOT}/${this.fleet}/#`, '');
    }
    lines.push(`pattern readwrite ${TOPIC_ROOT}/${this.fleet}/%u/#`, `pattern read ${TOPIC_ROOT}/${this.fleet}/#`, '');
    return lines.join('\n');
  }
}

