import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { McapIndexedReader, type DecompressHandlers } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import type { MessageDefinitionField } from '@foxglove/message-definition';
import { parse } from '@foxglove/rosmsg';
import { beforeAll, describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { defaultRegistry } from './defaultRegistry.js';

// Real ROS 2 recordings (see SOURCES.md there). The permissively licensed ones are in the repository
// (test/conformance/bags, two levels up from here); the GPL-3.0 one stays in the shared data set and
// is read only where `shared/` is cloned beside the repository.
const HERE = dirname(fileURLToPath(import.meta.url));
const IN_REPO = resolve(HERE, '..', '..', 'test', 'conformance', 'bags');
const SHARED = resolve(HERE, '..', '..', '..', 'shared', 'conformance', 'bags');

interface Expected {
  /** Where the file lives: in the repository, or only in ../shared beside it (licence not permissive). */
  where: 'repo' | 'shared';
  /** Messages in the file (all channels). */
  messages: number;
  /** Messages that re-encode byte-identical. */
  identical: number;
  /** Per topic: messages that differ from our encoding only in alignment padding bytes. */
  paddingOnly: Record<string, number>;
  /** Per topic: messages of types our registry does not know (not decoded). */
  unknownType: Record<string, number>;
  /** Per topic: messages written with another ROS distro's definition, which ours must refuse. */
  otherDistro: Record<string, number>;
}

/** The counts documented in SOURCES.md; a new file must add its line here. */
const EXPECTED: Record<string, Expected> = {
  // 820 AMCL map->odom transforms carry "ase" (stale buffer bytes) in the padding after "odom\0".
  'evo_nav2_turtlebot_sim.mcap': {
    where: 'shared',
    messages: 8197,
    identical: 7377,
    paddingOnly: { '/tf': 820 },
    unknownType: {},
    otherDistro: {},
  },
  'nav2_collision_monitor_cm_moving_obstacle.mcap': {
    where: 'repo',
    messages: 693,
    identical: 462,
    paddingOnly: {},
    unknownType: { '/local_costmap/costmap': 231 },
    otherDistro: {},
  },
  'abitobot_imu_joint_states.mcap': {
    where: 'repo',
    messages: 6578,
    identical: 6578,
    paddingOnly: {},
    unknownType: {},
    otherDistro: {},
  },
  // Written with rosbags' ros2_foxy typestore: Foxy's sensor_msgs/Range has no `variance` (Jazzy does).
  'rosbags_rs_synthetic_common_types.mcap': {
    where: 'repo',
    messages: 188,
    identical: 186,
    paddingOnly: {},
    unknownType: {},
    otherDistro: { '/test/sensor_msgs/range': 2 },
  },
  'rosbag_analyzer_web_diagnostics_rosout.mcap': {
    where: 'repo',
    messages: 14,
    identical: 14,
    paddingOnly: {},
    unknownType: {},
    otherDistro: {},
  },
};

/** Fields that Jazzy (our definitions) has and an older distro's schema in a recording lacks. */
const DISTRO_DIFFERENCES: Record<string, { oursOnly: string[] }> = {
  'sensor_msgs/msg/Range': { oursOnly: ['float32 variance'] },
};

const registry = defaultRegistry();

async function openMcap(path: string, decompressHandlers: DecompressHandlers): Promise<McapIndexedReader> {
  const bytes = readFileSync(path);
  return McapIndexedReader.Initialize({
    readable: {
      size: async () => BigInt(bytes.byteLength),
      read: async (offset, length) => new Uint8Array(bytes.buffer, bytes.byteOffset + Number(offset), Number(length)),
    },
    decompressHandlers,
  });
}

/** A field as the schema comparison sees it: type, array-ness and name (constants are not wire data). */
function fieldSignature(f: MessageDefinitionField): string {
  return `${f.type}${f.isArray === true ? `[${f.arrayLength ?? ''}]` : ''} ${f.name}`;
}

interface Tally extends Omit<Expected, 'where'> {
  failures: string[];
}

/** Decodes and re-encodes every message of every channel of a known type. */
async function roundTrip(reader: McapIndexedReader): Promise<Tally> {
  const tally: Tally = { messages: 0, identical: 0, paddingOnly: {}, unknownType: {}, otherDistro: {}, failures: [] };
  const bump = (table: Record<string, number>, topic: string): void => {
    table[topic] = (table[topic] ?? 0) + 1;
  };
  const fail = (what: string): void => {
    if (tally.failures.length < 10) tally.failures.push(what);
  };
  for await (const message of reader.readMessages()) {
    tally.messages++;
    const channel = reader.channelsById.get(message.channelId)!;
    const type = reader.schemasById.get(channel.schemaId)!.name;
    if (!registry.has(type)) {
      bump(tally.unknownType, channel.topic);
      continue;
    }
    const where = `${channel.topic} (${type}) seq ${message.sequence}`;
    let decoded: unknown;
    try {
      decoded = registry.decode(type, message.data);
    } catch (err) {
      if (DISTRO_DIFFERENCES[type] !== undefined && isOutpostError(err, 'OUTPOST_ERR_CDR_DECODE'))
        bump(tally.otherDistro, channel.topic);
      else fail(`${where}: decode failed: ${(err as Error).message}`);
      continue;
    }
    const encoded = registry.encode(type, decoded);
    if (Buffer.compare(encoded, message.data) === 0) {
      tally.identical++;
      continue;
    }
    // Modulo padding: same length, every differing byte is one we write as zero, and both payloads
    // decode to the same message (so the decoder never reads those bytes).
    const differing = [...encoded.keys()].filter((i) => encoded[i] !== message.data[i]);
    if (
      encoded.length === message.data.length &&
      differing.every((i) => encoded[i] === 0) &&
      isDeepStrictEqual(registry.decode(type, encoded), decoded)
    ) {
      bump(tally.paddingOnly, channel.topic);
    } else {
      fail(
        `${where}: re-encoded ${encoded.length} byte(s) differ from the ${message.data.length} recorded at offsets ${differing.slice(0, 8).join(',')}`,
      );
    }
  }
  return tally;
}

const inRepo = readdirSync(IN_REPO)
  .filter((f) => f.endsWith('.mcap'))
  .sort();
const sharedPresent = existsSync(SHARED);
const sharedOnly = Object.entries(EXPECTED)
  .filter(([, e]) => e.where === 'shared')
  .map(([f]) => f)
  .sort();
const skipReason = `${SHARED} is not present beside the repository (GPL-3.0 recording, not copied into it)`;
if (!sharedPresent) console.log(`[cdr conformance] skipped ${sharedOnly.join(', ')}: ${skipReason}`);

describe('CDR conformance against real ROS 2 recordings', () => {
  let decompressHandlers: DecompressHandlers;
  beforeAll(async () => {
    decompressHandlers = await loadDecompressHandlers();
  });

  it(`finds the ${inRepo.length} documented in-repository recordings in ${IN_REPO}`, () => {
    expect(inRepo).toEqual(
      Object.entries(EXPECTED)
        .filter(([, e]) => e.where === 'repo')
        .map(([f]) => f)
        .sort(),
    );
  });

  if (sharedPresent) {
    it(`finds the shared-only recordings in ${SHARED}`, () => {
      for (const file of sharedOnly) expect(existsSync(join(SHARED, file)), file).toBe(true);
    });
  }

  const files = [
    ...inRepo.map((f) => join(IN_REPO, f)),
    ...(sharedPresent ? sharedOnly.map((f) => join(SHARED, f)) : []),
  ];
  for (const path of files) {
    const file = basename(path);
    const want = EXPECTED[file];
    const label =
      want === undefined
        ? 'an undocumented file'
        : `${want.messages} messages, ${want.identical} byte-identical, ${sum(want.paddingOnly)} padding-only, ` +
          `${sum(want.unknownType)} of unknown types, ${sum(want.otherDistro)} of another distro`;

    it(`${file}: decodes and re-encodes every message (${label})`, async () => {
      const tally = await roundTrip(await openMcap(path, decompressHandlers));
      expect(tally.failures).toEqual([]);
      const { where: _where, ...counts } = want!;
      expect(tally).toEqual({ ...counts, failures: [] });
      expect(tally.identical).toBeGreaterThan(0);
    });

    it(`${file}: schemas of the types we know match our definitions field for field`, async () => {
      const reader = await openMcap(path, decompressHandlers);
      let compared = 0;
      for (const schema of reader.schemasById.values()) {
        expect(schema.encoding).toBe('ros2msg');
        if (!registry.has(schema.name)) continue;
        const parsed = parse(new TextDecoder().decode(schema.data), { ros2: true });
        for (const def of parsed) {
          const name = def.name ?? schema.name;
          const theirs = def.definitions.filter((f) => f.isConstant !== true).map(fieldSignature);
          const ours = registry
            .definitionsOf(name)[0]!
            .definitions.filter((f) => f.isConstant !== true)
            .map(fieldSignature);
          const known = DISTRO_DIFFERENCES[name.replace(/^(\w+)\/(?:msg\/)?/, '$1/msg/')];
          if (known !== undefined && !isDeepStrictEqual(theirs, ours)) {
            expect({
              name,
              oursOnly: ours.filter((f) => !theirs.includes(f)),
              theirsOnly: theirs.filter((f) => !ours.includes(f)),
            }).toEqual({ name, oursOnly: known.oursOnly, theirsOnly: [] });
          } else {
            expect({ name, fields: theirs }).toEqual({ name, fields: ours });
          }
          compared++;
        }
      }
      if (want !== undefined && want.identical > 0) expect(compared).toBeGreaterThan(0);
    });
  }

  if (!sharedPresent) {
    for (const file of sharedOnly) it.skip(`${file}: skipped: ${skipReason}`, () => {});
  }
});

function sum(table: Record<string, number>): number {
  return Object.values(table).reduce((a, b) => a + b, 0);
}
