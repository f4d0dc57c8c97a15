import { describe, expect, it } from 'vitest';
import { takeFoxgloveOption } from './foxgloveOption.js';

describe('takeFoxgloveOption', () => {
  it.each([
    [['f.yaml'], ['f.yaml'], undefined],
    [['f.yaml', '--foxglove'], ['f.yaml'], { port: 8765, host: '127.0.0.1' }],
    [['--foxglove', 'f.yaml', 'robot:=r1'], ['f.yaml', 'robot:=r1'], { port: 8765, host: '127.0.0.1' }],
    [['--foxglove', '9000', 'f.yaml'], ['f.yaml'], { port: 9000, host: '127.0.0.1' }],
    [['f.yaml', '--foxglove=0', '--check'], ['f.yaml', '--check'], { port: 0, host: '127.0.0.1' }],
    [['f.yaml', '--foxglove-host', '0.0.0.0'], ['f.yaml'], { port: 8765, host: '0.0.0.0' }],
    [['--foxglove-host=::', '--foxglove', '1234', 'f.yaml'], ['f.yaml'], { port: 1234, host: '::' }],
  ])('%j → %j %j', (argv, rest, foxglove) => {
    expect(takeFoxgloveOption(argv)).toEqual({ rest, foxglove });
  });

  it.each([
    [['--foxglove=http'], /--foxglove: expected a TCP port 0\.\.65535 \(0: any free one\), got "http"/],
    [['--foxglove', '70000'], /got "70000"/],
    [['--foxglove-host'], /--foxglove-host: expected an address such as 127\.0\.0\.1 or 0\.0\.0\.0, got nothing/],
    [['--foxglove-host', '--check'], /got "--check"/],
  ])('refuses %j', (argv, says) => {
    expect(() => takeFoxgloveOption(argv)).toThrow(says);
  });
});
