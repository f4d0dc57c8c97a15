import { describe, expect, it } from 'vitest';
import { coerceParameterValue } from './Parameter.js';
import { isOutpostError } from './OutpostError.js';
import { relativeTopicCheck } from './topicNameParameter.js';

describe('relativeTopicCheck', () => {
  it('accepts names a {topic*} pattern matches, and "" only where that switches the endpoint off', () => {
    const check = relativeTopicCheck();
    for (const ok of ['odom', 'fc/odom', 'wheel_odom2']) expect(check(ok)).toBeUndefined();
    expect(check('')).toMatch(/expected a topic name relative/);
    expect(relativeTopicCheck(true)('')).toBeUndefined();
  });

  it('refuses absolute, private and malformed names when a launch file is checked', () => {
    const spec = { type: 'string' as const, check: relativeTopicCheck() };
    for (const bad of ['/r1/odom', '~/odom', 'odom/', 'fc odom']) {
      let err: unknown;
      try {
        coerceParameterValue('odom_topic', spec, bad);
      } catch (e) {
        err = e;
      }
      expect(isOutpostError(err)).toBe(true);
      expect((err as Error).message).toContain(JSON.stringify(bad));
    }
  });
});
