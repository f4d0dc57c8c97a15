import { OutpostError } from '../OutpostError.js';

/**
 * One type per topic (or per service) name, as the local bus enforces it. DDS itself lets two
 * types share a name (the endpoints simply never match, and `ros2 topic list` shows both), which
 * hides mistakes; a transport that wants Outpost's behaviour claims each name here while it has
 * endpoints on it, and asks `lookup` (e.g. the discovered graph) about endpoints it does not own.
 */
export class TypeClaims {
  readonly #kind: 'topic' | 'service';
  readonly #claims = new Map<string, { type: string; count: number }>();

  constructor(kind: 'topic' | 'service') {
    this.#kind = kind;
  }

  /**
   * Claims `name` for `type`; throws OUTPOST_ERR_TYPE_MISMATCH when it is held with another type
   * here or, per `discovered`, elsewhere. Returns the release function (idempotent).
   */
  claim(name: string, type: string, discovered: (name: string) => string[] = () => []): () => void {
    this.check(name, type, discovered);
    const c = this.#claims.get(name) ?? { type, count: 0 };
    c.count++;
    this.#claims.set(name, c);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--c.count === 0) this.#claims.delete(name);
    };
  }

  /** Throws OUTPOST_ERR_TYPE_MISMATCH when `name` is in use with a type other than `type`. */
  check(name: string, type: string, discovered: (name: string) => string[] = () => []): void {
    const own = this.#claims.get(name)?.type;
    const other = own !== undefined && own !== type ? own : discovered(name).find((t) => t !== type);
    if (other !== undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_TYPE_MISMATCH',
        `${this.#kind} ${name}: already in use with type ${other}, cannot use it as ${type}`,
      );
    }
  }
}
