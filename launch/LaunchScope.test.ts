import { describe, expect, it } from 'vitest';
import { LaunchScope, composeNamespace } from './LaunchScope.js';

describe('LaunchScope', () => {
  it('composes namespaces: relative joins, absolute replaces, empty keeps', () => {
    expect(composeNamespace('/', 'r1')).toBe('/r1');
    expect(composeNamespace('/fleet', 'r1/')).toBe('/fleet/r1');
    expect(composeNamespace('/fleet', '/r1')).toBe('/r1');
    expect(composeNamespace('/fleet', '')).toBe('/fleet');
    expect(() => composeNamespace('/', 'bad name')).toThrow(/token "bad name"/);
  });

  it('gives a scoped child a copy, and an include only the arguments passed', () => {
    const outer = new LaunchScope(new Map([['robot', 'r1']]));
    outer.pushNamespace('fleet');
    outer.remaps.push({ from: 'a', to: 'b' });
    const child = outer.child();
    child.pushNamespace('r1');
    child.configs.set('x', '1');
    child.remaps.push({ from: 'c', to: 'd' });
    expect([outer.namespace, [...outer.configs.keys()], outer.remaps.length]).toEqual(['/fleet', ['robot'], 1]);
    expect(child.namespace).toBe('/fleet/r1');
    const inc = child.forInclude(new Map([['speed', '2']]));
    expect([...inc.configs]).toEqual([['speed', '2']]);
    expect([inc.namespace, inc.remaps.length]).toEqual(['/fleet/r1', 2]);
  });
});
