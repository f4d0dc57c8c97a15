import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../runtime/OutpostError.js';
import { ParameterFile, nodeKeyPattern } from './ParameterFile.js';
import { YamlSource } from './YamlSource.js';

const parse = (text: string) =>
  new ParameterFile(YamlSource.fromText('p.params.yaml', text, 'OUTPOST_ERR_PARAMETER_FILE'));

describe('ParameterFile', () => {
  it.each([
    ['/**', '/mover', true],
    ['/**', '/r1/a/mover', true],
    ['/**/mover', '/mover', true],
    ['/**/mover', '/r1/mover', true],
    ['/**/mover', '/r1/mover2', false],
    ['/r1/mover', '/r1/mover', true],
    ['/r1/mover', '/r2/mover', false],
    ['mover', '/r1/mover', true],
    ['mover', '/mover', true],
    ['mover', '/r1/remover', false],
    ['r1/mover', '/fleet/r1/mover', true],
    ['r1/mover', '/r2/mover', false],
    ['/r1/*', '/r1/anything', true],
    ['/r1/*', '/r1/a/b', false],
    ['/r*/mover', '/r9/mover', true],
  ])('key %s matches %s: %s', (key, fqn, matches) => {
    expect(nodeKeyPattern(key).test(fqn)).toBe(matches);
  });

  it('flattens nested maps to dotted names and reads namespace-nested keys', () => {
    const file = parse(
      'r1:\n  mover:\n    ros__parameters:\n      planner:\n        step: 0.5\n        limits: {max: 2}\n      names: [a, b]\n/**:\n  ros__parameters:\n    use_sim_time: true\n',
    );
    expect(file.entries.map((e) => [e.key, e.wildcard])).toEqual([
      ['r1/mover', false],
      ['/**', true],
    ]);
    expect(file.entries[0]!.parameters.map((p) => [p.name, p.value])).toEqual([
      ['planner.step', 0.5],
      ['planner.limits.max', 2],
      ['names', ['a', 'b']],
    ]);
    expect(file.entries[0]!.parameters[0]!.where).toBe('p.params.yaml:5:15');
    expect(file.matching('/r1/mover').map((e) => e.key)).toEqual(['r1/mover', '/**']);
    expect(file.matching('/r2/mover').map((e) => e.key)).toEqual(['/**']);
  });

  it.each([
    ['speed: 1.0\n', /p\.params\.yaml:1:8: "speed": expected a node name with \{ros__parameters/],
    ['mover:\n  speed: 1.0\n', /p\.params\.yaml:2:10: "mover\/speed": expected a namespace or node name/],
    ['ros__parameters:\n  speed: 1\n', /p\.params\.yaml:1:1: ros__parameters must sit under a node name/],
    ['mover:\n  ros__parameters: [1, 2]\n', /"mover" ros__parameters: expected a map of parameters, got a list/],
    ['mover:\n  ros__parameters:\n    speed:\n', /"mover" parameter "speed": expected a value/],
    [
      'mover:\n  ros__parameters:\n    pts: [[1, 2]]\n',
      /parameter "pts": expected a value \(a scalar or a list of scalars\), got a list/,
    ],
    ['', /expected a ROS 2 parameter file/],
    ['mover: {ros__parameters: {a: 1}\n', /YAML syntax error/],
  ])('rejects a file not in the ros__parameters layout: %j', (text, message) => {
    let error: unknown;
    try {
      parse(text);
    } catch (err) {
      error = err;
    }
    expect(isOutpostError(error, 'OUTPOST_ERR_PARAMETER_FILE')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['an alias inside its own anchor', 'node: &n {ros__parameters: {self: *n}}'],
    ['a map inside itself', 'a: &a {b: *a}'],
    [
      'anchors that double 40 times',
      [
        'l0: &l0 {ros__parameters: {a: 1}}',
        ...Array.from({ length: 40 }, (_, i) => `l${i + 1}: &l${i + 1} {x: *l${i}, y: *l${i}}`),
      ].join('\n'),
    ],
  ])('refuses %s quickly instead of recursing for ever (found by fuzzing)', (_what, text) => {
    const start = performance.now();
    let error: unknown;
    try {
      parse(text);
    } catch (err) {
      error = err;
    }
    expect(isOutpostError(error, 'OUTPOST_ERR_PARAMETER_FILE')).toBe(true);
    expect((error as Error).message).toMatch(/p\.params\.yaml:\d+:\d+: YAML aliases expand more than 1000 times/);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('still follows aliases used a few times', () => {
    const file = parse('mover: {ros__parameters: &b {rate: 5}}\nsensor: {ros__parameters: *b}');
    expect(file.entries.map((e) => [e.key, e.parameters.map((p) => [p.name, p.value])])).toEqual([
      ['mover', [['rate', 5]]],
      ['sensor', [['rate', 5]]],
    ]);
  });
});
