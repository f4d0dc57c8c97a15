import { describe, expect, it } from 'vitest';
import { isMap } from 'yaml';
import { ActionFields, parseRosBool, type ActionSchema } from './ActionFields.js';
import { YamlSource } from './YamlSource.js';

const SCHEMA: ActionSchema = {
  name: { type: 'text', required: true },
  on: { type: 'bool' },
  delay: { type: 'number' },
  tries: { type: 'integer' },
  items: { type: 'list', items: { from: { type: 'text', required: true } } },
};

function fields(text: string): ActionFields {
  const src = YamlSource.fromText('a.yaml', text, 'OUTPOST_ERR_LAUNCH_FILE');
  const pair = isMap(src.root) ? src.root.items[0]! : null;
  return new ActionFields('thing', src, src.deref(pair?.value), pair?.key, SCHEMA, (t) => t.replace('$(var x)', '7'));
}

describe('ActionFields', () => {
  it('reads text (numbers keep their spelling), bools, numbers and lists, resolving substitutions', () => {
    const f = fields(
      'thing:\n  name: 1.0\n  on: "True"\n  delay: $(var x)\n  tries: 3\n  items: [{from: a}, {from: b}]\n',
    );
    expect(f.text('name')).toBe('1.0');
    expect(f.bool('on', false)).toBe(true);
    expect(f.number('delay', 0)).toBe(7);
    expect(f.number('tries', -1, { integer: true })).toBe(3);
    expect(f.list('items').map((i) => i.requiredText('from'))).toEqual(['a', 'b']);
    expect(f.bool('missing', true)).toBe(true);
  });

  it('accepts launch-file spellings with dashes', () => {
    const src = YamlSource.fromText('a.yaml', 'respawn-delay: 2\n', 'OUTPOST_ERR_LAUNCH_FILE');
    expect(
      new ActionFields('x', src, src.root, null, { respawn_delay: { type: 'number' } }, (t) => t).number(
        'respawn_delay',
        0,
      ),
    ).toBe(2);
  });

  it.each([
    ['thing:\n  nam: x\n', /a\.yaml:2:3: thing: unknown field "nam"; expected one of name, on, delay, tries, items/],
    ['thing:\n  on: true\n', /a\.yaml:1:1: thing: missing required field "name"/],
    ['thing: [1]\n', /thing: expected a map of fields \(name, on, delay, tries, items\), got a list/],
    ['thing:\n  name: {a: 1}\n', /a\.yaml:2:9: thing: field "name" expected a text or number, got a map/],
    ['thing:\n  name: x\n  tries: 1.5\n', /field "tries" expected an integer, got 1\.5/],
    ['thing:\n  name: x\n  items: [{to: a}]\n', /thing items\[0\]: unknown field "to"; expected one of from/],
    ['thing:\n  name: x\n  items: [{}]\n', /thing items\[0\]: missing required field "from"/],
  ])('rejects %j with OUTPOST_ERR_LAUNCH_ACTION', (text, message) => {
    expect(() => fields(text)).toThrow(message);
  });

  it('rejects values of the wrong kind when read', () => {
    expect(() => fields('thing:\n  name: x\n  on: maybe\n').bool('on', false)).toThrow(
      /a\.yaml:3:7: thing: field "on" expected true or false, got "maybe"/,
    );
    expect(() => fields('thing:\n  name: x\n  delay: -1\n').number('delay', 0, { min: 0 })).toThrow(
      /field "delay" expected a number >= 0, got -1/,
    );
  });

  it('reads ROS condition words', () => {
    expect(['true', 'True', '1', 'false', 'FALSE', '0', 'yes', ''].map(parseRosBool)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      undefined,
      undefined,
    ]);
  });
});
