import { OutpostError } from './OutpostError.js';

/**
 * A topic or service name as a node kind declares it, relative to the node like the name the node
 * passes to `createPublisher` (`cmd_vel`, `~/status`, `/clock`), where a `{placeholder}` segment
 * stands for a name known only at run time (`fleet/{teammate}/pose`, `/{robot}/odom`). A
 * placeholder matches one name segment (letters, digits, underscores); `{name*}` matches one or
 * more segments (a route's topic, which may have slashes).
 */
export class EndpointPattern {
  readonly source: string;
  readonly placeholders: readonly string[];
  #regex: RegExp;

  constructor(source: string) {
    this.source = source;
    const names: string[] = [];
    let re = '';
    let rest = source;
    while (rest.length > 0) {
      const open = rest.indexOf('{');
      if (open < 0) {
        re += escapeRegExp(rest);
        break;
      }
      const close = rest.indexOf('}', open);
      if (close < 0) {
        throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `endpoint pattern "${source}": "{" without "}"`);
      }
      re += escapeRegExp(rest.slice(0, open));
      const raw = rest.slice(open + 1, close);
      const multi = raw.endsWith('*');
      const name = multi ? raw.slice(0, -1) : raw;
      if (!/^[a-z_][a-z0-9_]*$/i.test(name)) {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `endpoint pattern "${source}": expected a placeholder name like {teammate}, got {${raw}}`,
        );
      }
      names.push(name);
      re += multi ? '([A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*)' : '([A-Za-z0-9_]+)';
      rest = rest.slice(close + 1);
    }
    this.placeholders = names;
    this.#regex = new RegExp(`^${re}$`);
  }

  matches(name: string): boolean {
    return this.#regex.test(name);
  }

  /** Fills the placeholders; throws naming the pattern and the missing value. */
  fill(values: Readonly<Record<string, string>> = {}): string {
    if (this.placeholders.length === 0) return this.source;
    return this.source.replace(/\{([a-z_][a-z0-9_]*)\*?\}/gi, (_, name: string) => {
      const v = values[name];
      if (v === undefined || v === '') {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `endpoint "${this.source}": no value given for {${name}}`,
        );
      }
      return v;
    });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
