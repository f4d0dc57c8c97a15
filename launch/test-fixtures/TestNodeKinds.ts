import { KindNode } from '../../runtime/KindNode.js';
import { NodeKindRegistry } from '../../runtime/NodeKind.js';
import { defineNodeKind, nodeKindSpec } from '../../runtime/defineNodeKind.js';

const moverSpec = nodeKindSpec({
  name: 'mover',
  description: 'Test kind: drives at a speed.',
  parameters: {
    speed: { type: 'double', default: 0.5, description: 'Cruise speed.', unit: 'm/s', range: { from: 0, to: 3 } },
    rate: { type: 'integer', default: 10, description: 'Control rate.', unit: 'Hz', range: { from: 1, to: 100 } },
    mode: { type: 'string', default: 'explore', description: 'Strategy.', choices: ['explore', 'return'] },
    enabled: { type: 'bool', default: true, description: 'Drive at all.' },
    label: { type: 'string', default: '', description: 'Free text.' },
    waypoints: { type: 'double_array', default: [], description: 'Waypoints.', unit: 'm' },
    'planner.step': { type: 'double', default: 1, description: 'Planner step.', unit: 'm' },
  },
});

const sensorSpec = nodeKindSpec({
  name: 'sensor',
  description: 'Test kind: a sensor whose range must be given.',
  parameters: {
    frame_id: { type: 'string', default: 'laser', description: 'Frame of the scans.' },
    range_max: { type: 'double', description: 'Longest range; no default, so a launch file must set it.', unit: 'm' },
  },
});

/** Two small node kinds for the launch loader's tests: parameters only, no endpoints. */
export const moverKind = defineNodeKind(moverSpec, (context, o) => new KindNode(moverSpec, context, o));
export const sensorKind = defineNodeKind(sensorSpec, (context, o) => new KindNode(sensorSpec, context, o));

export function testRegistry(): NodeKindRegistry {
  return new NodeKindRegistry().register(moverKind).register(sensorKind);
}
