import { basename, dirname } from 'node:path';
import { OutpostError } from '../runtime/OutpostError.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { evalToString } from './EvalExpression.js';

/** What substitutions can see while a launch file is read. */
export interface SubstitutionContext {
  /** A launch configuration (`arg`, `let`) in scope, or undefined. */
  variable(name: string): string | undefined;
  variableNames(): string[];
  env: NodeJS.ProcessEnv;
  /** `$(anon name)`: the same unique name for the same `name` within one load. */
  anon(name: string): string;
  /** Absolute path of the launch file being read. */
  file: string;
}

interface SubstitutionKind {
  usage: string;
  minArgs: number;
  maxArgs: number;
  run(args: string[], ctx: SubstitutionContext): string;
}

function fail(message: string): never {
  throw new OutpostError('OUTPOST_ERR_LAUNCH_SUBSTITUTION', message);
}

/** The substitutions launch files may use, keyed by name (as launch's frontend registers them). */
const SUBSTITUTIONS: Record<string, SubstitutionKind> = {
  var: {
    usage: '$(var NAME)',
    minArgs: 1,
    maxArgs: 1,
    run([name], ctx) {
      const value = ctx.variable(name!);
      if (value !== undefined) return value;
      const known = ctx.variableNames();
      return fail(
        `$(var ${name}): launch argument "${name}" is not defined here; expected one declared by arg or let ` +
          `before this point (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
      );
    },
  },
  env: {
    usage: '$(env NAME [default])',
    minArgs: 1,
    maxArgs: 2,
    run([name, fallback], ctx) {
      const value = ctx.env[name!] ?? fallback;
      if (value === undefined)
        fail(
          `$(env ${name}): environment variable "${name}" is not set and no default is given; expected $(env ${name} <default>) or the variable set`,
        );
      return value;
    },
  },
  optenv: {
    usage: '$(optenv NAME [default])',
    minArgs: 1,
    maxArgs: 2,
    run: ([name, fallback], ctx) => ctx.env[name!] ?? fallback ?? '',
  },
  eval: { usage: "$(eval '<expression>')", minArgs: 1, maxArgs: 1, run: ([expr]) => evalToString(expr!) },
  'find-pkg-share': {
    usage: '$(find-pkg-share outpost)',
    minArgs: 1,
    maxArgs: 1,
    run([pkg]) {
      if (pkg !== 'outpost')
        fail(`$(find-pkg-share ${pkg}): package "${pkg}" is not known; Outpost has one package, expected "outpost"`);
      return packageRoot();
    },
  },
  anon: { usage: '$(anon NAME)', minArgs: 1, maxArgs: 1, run: ([name], ctx) => ctx.anon(name!) },
  dirname: { usage: '$(dirname)', minArgs: 0, maxArgs: 0, run: (_args, ctx) => dirname(ctx.file) },
  filename: { usage: '$(filename)', minArgs: 0, maxArgs: 0, run: (_args, ctx) => basename(ctx.file) },
};

export const SUBSTITUTION_NAMES = Object.keys(SUBSTITUTIONS);

/** True when `text` contains a substitution (`$(`). */
export function hasSubstitution(text: string): boolean {
  return text.includes('$(');
}

class SubstitutionParser {
  constructor(
    readonly text: string,
    readonly ctx: SubstitutionContext,
  ) {}

  /** Resolves the whole text: literal characters stay, `$(...)` are replaced. */
  resolveAll(): string {
    let out = '';
    let i = 0;
    while (i < this.text.length) {
      if (this.text.startsWith('$(', i)) {
        const [value, next] = this.#substitution(i);
        out += value;
        i = next;
      } else out += this.text[i++];
    }
    return out;
  }

  /** Resolves the substitution starting at `start` (at "$("); returns its value and the index after ")". */
  #substitution(start: number): [string, number] {
    const s = this.text;
    const name = /^[A-Za-z][A-Za-z0-9_-]*/.exec(s.slice(start + 2))?.[0];
    if (name === undefined)
      fail(`${JSON.stringify(s)}: expected a substitution name after "$(" at column ${start + 3}, e.g. $(var name)`);
    const kind = Object.hasOwn(SUBSTITUTIONS, name) ? SUBSTITUTIONS[name] : undefined;
    if (kind === undefined) {
      fail(`$(${name} ...): unknown substitution "${name}"; expected one of ${SUBSTITUTION_NAMES.join(', ')}`);
    }
    let i = start + 2 + name.length;
    const args: string[] = [];
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (i >= s.length) fail(`${JSON.stringify(s)}: unterminated $(${name} ...): expected ")"`);
      if (s[i] === ')') {
        i++;
        break;
      }
      const [arg, next] = this.#argument(i, name);
      args.push(arg);
      i = next;
    }
    if (args.length < kind.minArgs || args.length > kind.maxArgs) {
      const n = kind.minArgs === kind.maxArgs ? `${kind.minArgs}` : `${kind.minArgs} or ${kind.maxArgs}`;
      fail(
        `$(${name} ${args.join(' ')}): expected ${n} argument${n === '1' ? '' : 's'} (${kind.usage}), got ${args.length}` +
          (name === 'eval' ? "; quote the expression, e.g. $(eval '$(var n) + 1')" : ''),
      );
    }
    return [kind.run(args, this.ctx), i];
  }

  /** One argument: unquoted text, '…' or "…" (spaces kept), and nested substitutions, until a space or ")". */
  #argument(start: number, name: string): [string, number] {
    const s = this.text;
    let out = '';
    let depth = 0;
    let i = start;
    while (i < s.length) {
      const c = s[i]!;
      if (s.startsWith('$(', i)) {
        const [value, next] = this.#substitution(i);
        out += value;
        i = next;
      } else if (c === "'" || c === '"') {
        i++;
        while (i < s.length && s[i] !== c) {
          if (s.startsWith('$(', i)) {
            const [value, next] = this.#substitution(i);
            out += value;
            i = next;
          } else out += s[i++];
        }
        if (i >= s.length) fail(`${JSON.stringify(s)}: unterminated ${c}-quoted argument of $(${name} ...)`);
        i++;
      } else if (/\s/.test(c) && depth === 0) break;
      else if (c === ')' && depth === 0) break;
      else {
        if (c === '(') depth++;
        if (c === ')') depth--;
        out += c;
        i++;
      }
    }
    return [out, i];
  }
}

/**
 * Resolves every `$(...)` in `text`, innermost first inside arguments, as ROS 2 launch does:
 * `$(eval '$(var n) + 1')`. Throws OUTPOST_ERR_LAUNCH_SUBSTITUTION naming the substitution and why.
 */
export function resolveSubstitutions(text: string, ctx: SubstitutionContext): string {
  if (!hasSubstitution(text)) return text;
  return new SubstitutionParser(text, ctx).resolveAll();
}
