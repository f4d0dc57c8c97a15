import { describe, expect, it } from 'vitest';
import { fleetRobotNames, ownRobotName } from './FleetNames.js';

describe('fleet names', () => {
  it('is r1..rN for a count, else the list as given', () => {
    expect(fleetRobotNames(3, ['a'])).toEqual(['r1', 'r2', 'r3']);
    expect(fleetRobotNames(0, ['a', 'b'])).toEqual(['a', 'b']);
    expect(fleetRobotNames(0)).toEqual([]);
  });

  it('takes the explicit name, else the last namespace segment', () => {
    expect(ownRobotName('', '/fleet/r2')).toBe('r2');
    expect(ownRobotName('scout', '/r2')).toBe('scout');
    expect(ownRobotName('', '/')).toBe('');
  });
});
