import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../packageRoot.js';
import { defaultRegistry } from './defaultRegistry.js';
import { generateMessageTypes } from './MessageTypesGenerator.js';

describe('MessageTypes.ts', () => {
  it('is what the generator makes of the default registry (run `npm run gen:msgs` after changing a .msg file)', () => {
    const generated = generateMessageTypes(defaultRegistry());
    const onDisk = readFileSync(join(packageRoot(), 'runtime', 'msg', 'MessageTypes.ts'), 'utf8');
    expect(generated.length).toBeGreaterThan(10_000);
    // Compare line by line so a stale file shows the interfaces that changed, not one huge string.
    expect(onDisk.split('\n')).toEqual(generated.split('\n'));
  });

  it('types our own messages and services', () => {
    const generated = generateMessageTypes(defaultRegistry());
    expect(generated).toContain("'outpost_msgs/msg/NodeEvent': outpost_msgs.msg.NodeEvent;");
    expect(generated).toContain(
      "'std_srvs/srv/SetBool': { request: std_srvs.srv.SetBool_Request; response: std_srvs.srv.SetBool_Response };",
    );
    expect(generated).toContain('ranges: Float32Array | number[];');
  });
});
