import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { OutpostError } from '../OutpostError.js';
import { ACK_LEVEL, STREAM_LEVEL, TOPIC_ROOT, assertFleetName } from './FleetTopics.js';

/**
 * Who may do what on a fleet broker. One rule, enforced by the embedded Aedes broker and written out
 * as a Mosquitto ACL file, so both brokers behave the same:
 * - a robot may publish only under its own namespace `outpost/<fleet>/<robot>/#` (data and the acks it sends);
 * - a robot may subscribe to anything under `outpost/<fleet>/#` (teammates' data and acks addressed to it);
 * - a `groundStation` user may also publish anywhere under `outpost/<fleet>/#` (e.g. to replay or inject);
 * - a `readOnly` user (the ground station's monitor, issue 15) may subscribe like a robot but publish
 *   only the acks of its own receiver, `outpost/<fleet>/<user>/~ack/#`: nothing it sends can reach a
 *   robot's inbox (an ack topic under its own name is read by no robot's receiver), and its stream
 *   requests `outpost/<fleet>/<user>/~stream/<robot>` (read only by that robot's ground station
 *   link, which checks them; the station's receiver skips topics under its own name).
 */
export interface FleetUser {
  username: string;
  /** Stored as a salted scrypt hash; the clear text is not kept. */
  password: string;
  /** Grants publish on the whole fleet tree. Default false. */
  groundStation?: boolean;
  /** Subscribe only, plus its own acks (see above). Default false; exclusive with `groundStation`. */
  readOnly?: boolean;
}

const KEY_LEN = 32;
// scrypt N=2^14 (the Node default): ~30 ms per derivation on a fast machine, 50–100 ms on the
// simulator's shared 2-vCPU VM. In the simulator every robot's embedded broker lists the whole
// fleet (9 users in sim-credentials.yaml), so 4 robots paid 36 derivations at start-up and 12 more
// at the first logins, all on the event loop: 15% of a 120 s rooms mission's wall time (CPU
// profile). Derivations are therefore shared within the process, and can run on the
// libuv thread pool while the launch goes on (the `deriveInBackground` option).

/**
 * One user's salted hash, shared by every FleetAccess of the process that lists the same
 * (username, password). `hash` is undefined while a background derivation runs; only then is the
 * clear text held (`password`), so a synchronous check can finish the derivation itself.
 */
interface Derivation {
  salt: Buffer;
  hash: Buffer | undefined;
  password: string | undefined;
  /** Settles when `hash` is set (at once for a synchronous derivation). */
  ready: Promise<void>;
}

interface StoredUser {
  derivation: Derivation;
  groundStation: boolean;
  readOnly: boolean;
}

/**
 * Process-wide memory of scrypt work, keyed by HMACs under a key that never leaves this process:
 * the derivation for each (username, password), and the (username, password, salt, hash)
 * combinations known to match, so a login that passed once (or a password that was just hashed)
 * is not derived again. A login is checked against the salt and hash of the FleetAccess it is made
 * on, so sharing never lets one broker's password into another that lists the user differently.
 */
const CACHE_KEY = randomBytes(32);
const derivations = new Map<string, Derivation>();
const verified = new Set<string>();
const userToken = (username: string, password: string): string =>
  createHmac('sha256', CACHE_KEY).update(username).update('\0').update(password).digest('hex');
const matchToken = (username: string, password: string, salt: Buffer, hash: Buffer): string =>
  createHmac('sha256', CACHE_KEY)
    .update(username)
    .update('\0')
    .update(password)
    .update('\0')
    .update(salt)
    .update(hash)
    .digest('hex');

function finish(d: Derivation, username: string, password: string, hash: Buffer): void {
  if (d.hash !== undefined) return;
  d.hash = hash;
  d.password = undefined;
  verified.add(matchToken(username, password, d.salt, hash));
}

/** The process's derivation for (username, password): reused, or started (`background`: on the thread pool). */
function derivationFor(username: string, password: string, background: boolean): Derivation {
  const key = userToken(username, password);
  let d = derivations.get(key);
  if (d === undefined) {
    const salt = randomBytes(16);
    const fresh: Derivation = { salt, hash: undefined, password, ready: Promise.resolve() };
    if (background) {
      fresh.ready = new Promise<void>((resolve) => {
        scrypt(password, salt, KEY_LEN, (err, hash) => {
          // On a failure the next check derives synchronously (and throws there, where it is seen).
          if (err === null) finish(fresh, username, password, hash);
          resolve();
        });
      });
    } else {
      finish(fresh, username, password, scryptSync(password, salt, KEY_LEN));
    }
    derivations.set(key, fresh);
    d = fresh;
  }
  return d;
}

/** The derivation's hash, finishing it synchronously if the background one has not yet. */
function hashOf(d: Derivation, username: string): Buffer {
  if (d.hash === undefined) finish(d, username, d.password!, scryptSync(d.password!, d.salt, KEY_LEN));
  return d.hash!;
}

export class FleetAccess {
  readonly fleet: string;
  readonly #users = new Map<string, StoredUser>();
  readonly #background: boolean;

  /**
   * `options.deriveInBackground`: hash the users' passwords on the libuv thread pool instead of
   * here (a launch goes on configuring its other nodes meanwhile); `authenticateAsync` waits for
   * the user's hash, `authenticate` finishes it synchronously if needed. Default false.
   */
  constructor(fleet: string, users: readonly FleetUser[] = [], options: { deriveInBackground?: boolean } = {}) {
    assertFleetName('fleet', fleet);
    this.fleet = fleet;
    this.#background = options.deriveInBackground === true;
    for (const u of users) this.addUser(u);
  }

  addUser(u: FleetUser): void {
    assertFleetName('robot', u.username);
    if (u.groundStation === true && u.readOnly === true) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_AUTH',
        `fleet user "${u.username}": expected ground_station or read_only, got both`,
      );
    }
    this.#users.set(u.username, {
      derivation: derivationFor(u.username, u.password, this.#background),
      groundStation: u.groundStation === true,
      readOnly: u.readOnly === true,
    });
  }

  /** Constant-time check of a username and password. */
  authenticate(username: string | undefined, password: Uint8Array | string | undefined): boolean {
    if (username === undefined || password === undefined) return false;
    const u = this.#users.get(username);
    if (u === undefined) return false;
    const text = typeof password === 'string' ? password : Buffer.from(password).toString('utf8');
    const d = u.derivation;
    const hash = hashOf(d, username);
    // scrypt blocks the event loop; robots reconnect every time a radio link comes back. A
    // password that matched this salt and hash once is remembered (as an HMAC, see `verified`).
    const token = matchToken(username, text, d.salt, hash);
    if (verified.has(token)) return true;
    const ok = timingSafeEqual(scryptSync(text, d.salt, KEY_LEN), hash);
    if (ok) verified.add(token);
    return ok;
  }

  /** `authenticate`, after the user's background derivation (if any) is done. */
  async authenticateAsync(username: string | undefined, password: Uint8Array | string | undefined): Promise<boolean> {
    const u = username === undefined ? undefined : this.#users.get(username);
    if (u !== undefined) await u.derivation.ready;
    return this.authenticate(username, password);
  }

  mayPublish(username: string | undefined, topic: string): boolean {
    if (username === undefined || !this.#users.has(username)) return false;
    const prefix = `${TOPIC_ROOT}/${this.fleet}/`;
    const user = this.#users.get(username)!;
    if (user.groundStation) return topic.startsWith(prefix);
    if (user.readOnly) {
      return [ACK_LEVEL, STREAM_LEVEL].some((level) => {
        const under = `${prefix}${username}/${level}/`;
        return topic.startsWith(under) && topic.length > under.length && !topic.slice(under.length).includes('/');
      });
    }
    return topic.startsWith(`${prefix}${username}/`) && topic.length > prefix.length + username.length + 1;
  }

  maySubscribe(username: string | undefined, filter: string): boolean {
    if (username === undefined || !this.#users.has(username)) return false;
    const levels = filter.split('/');
    // `#` or `+` at the first two levels would reach outside the fleet's tree.
    return levels.length >= 3 && levels[0] === TOPIC_ROOT && levels[1] === this.fleet;
  }

  /**
   * The same rules as a Mosquitto `acl_file`, one block per user. Not `pattern ... %u/#` lines:
   * Mosquitto applies patterns to every user, so one would let a read-only user write its own tree.
   */
  mosquittoAcl(): string {
    const root = `${TOPIC_ROOT}/${this.fleet}`;
    const lines = [`# generated by Outpost FleetAccess for fleet "${this.fleet}"`];
    for (const [name, u] of this.#users) {
      lines.push(`user ${name}`);
      if (u.groundStation) lines.push(`topic readwrite ${root}/#`);
      else if (u.readOnly)
        lines.push(
          `topic read ${root}/#`,
          `topic write ${root}/${name}/${ACK_LEVEL}/+`,
          `topic write ${root}/${name}/${STREAM_LEVEL}/+`,
        );
      else lines.push(`topic readwrite ${root}/${name}/#`, `topic read ${root}/#`);
      lines.push('');
    }
    return lines.join('\n');
  }
}
