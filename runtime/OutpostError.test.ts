import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, OutpostError, describeValue, isOutpostError } from './OutpostError.js';
import { packageRoot } from './packageRoot.js';

describe('OutpostError', () => {
  it('every code in the catalogue is documented in README.md', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const missing = Object.keys(ERROR_CODES).filter((c) => !readme.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });

  it('carries its code and cause', () => {
    const cause = new Error('ENOENT');
    const err = new OutpostError('OUTPOST_ERR_LAUNCH_FILE', 'cannot read x.yaml', { cause });
    expect(isOutpostError(err, 'OUTPOST_ERR_LAUNCH_FILE')).toBe(true);
    expect(isOutpostError(err, 'OUTPOST_ERR_CLI_USAGE')).toBe(false);
    expect(err.cause).toBe(cause);
  });

  it('describes values the way messages quote them', () => {
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue(3n)).toBe('3n');
    expect(describeValue(new Float64Array(2))).toBe('Float64Array of 2');
    expect(describeValue(undefined)).toBe('nothing');
  });
});
