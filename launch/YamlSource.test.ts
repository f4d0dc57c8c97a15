import { describe, expect, it } from 'vitest';
import { isMap, isSeq } from 'yaml';
import { OutpostError, isOutpostError } from '../runtime/OutpostError.js';
import { YamlSource } from './YamlSource.js';

describe('YamlSource', () => {
  it('locates nodes 1-based and prefixes errors with file:line:col and a location', () => {
    const src = YamlSource.fromText('x.yaml', 'launch:\n  - node:\n      exec: a\n', 'OUTPOST_ERR_LAUNCH_FILE');
    const seq = isMap(src.root) ? src.root.get('launch', true) : null;
    const item = isSeq(seq) ? seq.items[0] : null;
    expect(src.where(item)).toBe('x.yaml:2:5');
    let error: unknown;
    try {
      src.fail('OUTPOST_ERR_LAUNCH_ACTION', item, 'bad');
    } catch (err) {
      error = err;
    }
    expect(isOutpostError(error, 'OUTPOST_ERR_LAUNCH_ACTION')).toBe(true);
    expect((error as OutpostError).message).toBe('x.yaml:2:5: bad');
    expect((error as OutpostError).location).toEqual({ file: src.path, line: 2, column: 5 });
  });

  it('adds a place to located-less runtime errors in at(), and leaves located ones alone', () => {
    const src = YamlSource.fromText('x.yaml', 'a: 1\n', 'OUTPOST_ERR_LAUNCH_FILE');
    const node = isMap(src.root) ? src.root.items[0]!.value : null;
    expect(() =>
      src.at(node, () => {
        throw new OutpostError('OUTPOST_ERR_INVALID_NAME', 'token "1x"');
      }),
    ).toThrow('x.yaml:1:4: token "1x"');
    const located = new OutpostError('OUTPOST_ERR_INVALID_NAME', 'elsewhere', {
      location: { file: 'y', line: 9, column: 9 },
    });
    expect(() =>
      src.at(node, () => {
        throw located;
      }),
    ).toThrow(located);
  });

  it('reports YAML syntax errors and missing files with the given code', () => {
    expect(() => YamlSource.fromText('x.yaml', 'a: [1, 2\n', 'OUTPOST_ERR_LAUNCH_FILE')).toThrow(
      /^x\.yaml:\d+:\d+: YAML syntax error: /,
    );
    expect(() => YamlSource.fromText('x.yaml', 'a: 1\na: 2\n', 'OUTPOST_ERR_LAUNCH_FILE')).toThrow(
      /x\.yaml:2:1: YAML syntax error: Map keys must be unique/,
    );
    let error: unknown;
    try {
      YamlSource.read('/nonexistent/robot.launch.yaml', 'OUTPOST_ERR_LAUNCH_FILE', 'launch file');
    } catch (err) {
      error = err;
    }
    expect(isOutpostError(error, 'OUTPOST_ERR_LAUNCH_FILE')).toBe(true);
    expect((error as Error).message).toBe('/nonexistent/robot.launch.yaml: cannot read launch file: no such file');
  });
});
