import { describe, expect, it } from 'vitest';
import { expandTopicName, normalizeNamespace, resolveTopicName, validateNodeName } from './TopicName.js';

describe('ROS 2 names', () => {
  it('expands relative, private and absolute names', () => {
    expect(expandTopicName('scan', 'mapper', '/')).toBe('/scan');
    expect(expandTopicName('scan', 'mapper', '/r1')).toBe('/r1/scan');
    expect(expandTopicName('~', 'mapper', '/r1')).toBe('/r1/mapper');
    expect(expandTopicName('~/tiles', 'mapper', '/r1/a')).toBe('/r1/a/mapper/tiles');
    expect(expandTopicName('/clock', 'mapper', '/r1')).toBe('/clock');
  });

  it('remaps after expansion, relative rules expanded in the node namespace', () => {
    expect(resolveTopicName('cmd_vel', 'ctl', '/r1', [{ from: 'cmd_vel', to: 'base/cmd_vel' }])).toBe(
      '/r1/base/cmd_vel',
    );
    expect(resolveTopicName('cmd_vel', 'ctl', '/r1', [{ from: '/r1/cmd_vel', to: '/cmd' }])).toBe('/cmd');
    expect(resolveTopicName('odom', 'ctl', '/r1', [{ from: 'cmd_vel', to: '/cmd' }])).toBe('/r1/odom');
  });

  it('rejects names that break the rules, saying which token', () => {
    expect(() => expandTopicName('2fast', 'n', '/')).toThrow(/token "2fast"/);
    expect(() => expandTopicName('', 'n', '/')).toThrow(/empty/);
    expect(() => normalizeNamespace('/r-1')).toThrow(/token "r-1"/);
    expect(() => validateNodeName('my node')).toThrow(/node name "my node"/);
    expect(normalizeNamespace('r1/')).toBe('/r1');
  });
});
