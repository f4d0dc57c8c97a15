import { describe, expect, it } from 'vitest';
import { packageRoot } from '../runtime/packageRoot.js';
import { resolveSubstitutions, type SubstitutionContext } from './Substitution.js';

function context(vars: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): SubstitutionContext {
  const anon = new Map<string, string>();
  return {
    variable: (n) => vars[n],
    variableNames: () => Object.keys(vars),
    env,
    anon: (n) => anon.get(n) ?? anon.set(n, `${n}_${anon.size}x`).get(n)!,
    file: '/robots/launch/robot.launch.yaml',
  };
}

describe('Substitution', () => {
  it('leaves text without substitutions alone, including lone $ and parentheses', () => {
    expect(resolveSubstitutions('cost $5 (approx)', context())).toBe('cost $5 (approx)');
  });

  it('resolves var, env (with default), optenv, find-pkg-share, dirname, filename', () => {
    const ctx = context({ robot: 'r1' }, { HOME: '/home/pi' });
    expect(resolveSubstitutions('/$(var robot)/scan', ctx)).toBe('/r1/scan');
    expect(resolveSubstitutions('$(env HOME)', ctx)).toBe('/home/pi');
    expect(resolveSubstitutions('$(env MISSING fallback)', ctx)).toBe('fallback');
    expect(resolveSubstitutions("[$(env MISSING '')]", ctx)).toBe('[]');
    expect(resolveSubstitutions('[$(optenv MISSING)]', ctx)).toBe('[]');
    expect(resolveSubstitutions('$(find-pkg-share outpost)/models', ctx)).toBe(`${packageRoot()}/models`);
    expect(resolveSubstitutions('$(dirname)|$(filename)', ctx)).toBe('/robots/launch|robot.launch.yaml');
  });

  it('nests substitutions inside arguments and quoted arguments', () => {
    const ctx = context({ n: '3', mode: 'sim', var_name: 'mode' }, { FALLBACK: 'x' });
    expect(resolveSubstitutions("$(eval '$(var n) + 1')", ctx)).toBe('4');
    expect(resolveSubstitutions(`$(eval "'$(var mode)' == 'sim'")`, ctx)).toBe('True');
    expect(resolveSubstitutions('$(var $(var var_name))', ctx)).toBe('sim');
    expect(resolveSubstitutions('$(env NOPE $(env FALLBACK))', ctx)).toBe('x');
    expect(resolveSubstitutions('$(eval (1+2)*3)', ctx)).toBe('9');
  });

  it('gives the same anonymous name for the same base within a context', () => {
    const ctx = context();
    const a = resolveSubstitutions('$(anon talker)', ctx);
    expect(a).toMatch(/^talker_/);
    expect(resolveSubstitutions('$(anon talker)', ctx)).toBe(a);
    expect(resolveSubstitutions('$(anon other)', ctx)).not.toBe(a);
  });

  it.each([
    ['$(var robt)', /\$\(var robt\): launch argument "robt" is not defined here.*\(defined: robot\)/],
    ['$(env NOPE)', /environment variable "NOPE" is not set and no default is given/],
    ['$(find-pkg-share turtlesim)', /package "turtlesim" is not known; Outpost has one package, expected "outpost"/],
    ['$(foo bar)', /unknown substitution "foo"; expected one of var, env, optenv, eval, find-pkg-share, anon/],
    ['$(var robot', /unterminated \$\(var \.\.\.\): expected "\)"/],
    ['$(var)', /\$\(var \): expected 1 argument \(\$\(var NAME\)\), got 0/],
    ['$(eval 1 + 2)', /expected 1 argument.*got 3; quote the expression/],
    ["$(eval '1 + 2)", /unterminated '-quoted argument/],
    ['$( var x)', /expected a substitution name after "\$\("/],
  ])('rejects %j with OUTPOST_ERR_LAUNCH_SUBSTITUTION', (text, message) => {
    const ctx = context({ robot: 'r1' });
    expect(() => resolveSubstitutions(text, ctx)).toThrow(message);
    try {
      resolveSubstitutions(text, ctx);
    } catch (err) {
      expect((err as { code: string }).code).toBe('OUTPOST_ERR_LAUNCH_SUBSTITUTION');
    }
  });
});
