import { describe, expect, it } from 'vitest';
import { createByteLink, linkSchemes } from '../../firmware-bridge/link/createByteLink.js';
import { createExplorationPolicy, explorationPolicies } from '../../nodes/exploration/ExplorationPolicy.js';
import { OutpostError, type OutpostErrorCode } from '../../runtime/OutpostError.js';
import { createTransport, transportNames } from '../../runtime/transport/transports.js';
import { createRadioModel, radioModels } from '../../sim/radio/RadioModels.js';
import { Random } from '../../sim/Random.js';
import { createVehicle, vehicleModels } from '../../sim/vehicles/vehicleModels.js';
import { generateWorld, worldGenerators } from '../../sim/world/WorldGenerators.js';

// Every strategy table keyed by a name a launch file gives: looked up with Object.hasOwn (so
// "constructor" or "toString" is not found on Object.prototype), and an unknown name raises the
// table's own code with every known name in the message.
const tables: Array<{ table: string; code: OutpostErrorCode; names: string[]; create: (name: string) => unknown }> = [
  {
    table: 'transports',
    code: 'OUTPOST_ERR_TRANSPORT_UNKNOWN',
    names: transportNames(),
    create: (n) => createTransport(n),
  },
  {
    table: 'linkSchemes',
    code: 'OUTPOST_ERR_UNKNOWN_LINK_SCHEME',
    names: Object.keys(linkSchemes),
    create: (n) => createByteLink(`${n.toLowerCase()}://127.0.0.1:1`),
  },
  {
    table: 'radioModels',
    code: 'OUTPOST_ERR_UNKNOWN_RADIO_MODEL',
    names: Object.keys(radioModels),
    create: (n) => createRadioModel(n, {}, new Random(1)),
  },
  {
    table: 'worldGenerators',
    code: 'OUTPOST_ERR_UNKNOWN_WORLD_GENERATOR',
    names: Object.keys(worldGenerators),
    create: (n) => generateWorld(n, { seed: 1, width: 32, height: 32 }),
  },
  {
    table: 'vehicleModels',
    code: 'OUTPOST_ERR_UNKNOWN_VEHICLE_MODEL',
    names: Object.keys(vehicleModels),
    create: (n) => createVehicle(n, { x: 0, y: 0, yaw: 0 }),
  },
  {
    table: 'explorationPolicies',
    code: 'OUTPOST_ERR_UNKNOWN_POLICY',
    names: Object.keys(explorationPolicies),
    create: (n) => createExplorationPolicy(n),
  },
];

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('strategy tables', () => {
  for (const { table, code, names, create } of tables) {
    for (const unknown of ['nope', 'constructor', 'toString']) {
      it(`${table}: "${unknown}" raises ${code} listing ${names.join(', ')}`, async () => {
        expect(names.length).toBeGreaterThan(0);
        const e = await errorOf(() => create(unknown));
        expect(e).toBeInstanceOf(OutpostError);
        expect((e as OutpostError).code).toBe(code);
        for (const name of names) expect((e as OutpostError).message).toContain(name);
      });
    }
  }
});
