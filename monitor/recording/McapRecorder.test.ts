import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { loadDecompressHandlers } from '@mcap/support';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { QoS } from '../../runtime/QoS.js';
import { McapRecorder, type ChunkCompression } from './McapRecorder.js';
import { McapRecording } from './McapRecording.js';
import { offeredQosProfilesYaml, replayQoS } from './offeredQosProfiles.js';
import { ros2msgSchema } from '../../runtime/msg/ros2msgSchema.js';

const registry = defaultRegistry();
const dir = mkdtempSync(join(tmpdir(), 'outpost-mcap-'));

/** Writes `n` Odometry messages (x = i) and `n` Strings at 10 ms of log time apart. */
async function record(
  file: string,
  n: number,
  options: { compression?: ChunkCompression; chunkBytes?: number; close?: boolean } = {},
) {
  const rec = await McapRecorder.create(file, { sync: false, ...options });
  const odomType = 'nav_msgs/msg/Odometry';
  const odomSchema = rec.addSchema(odomType, 'ros2msg', ros2msgSchema(registry, odomType));
  const strSchema = rec.addSchema('std_msgs/msg/String', 'ros2msg', ros2msgSchema(registry, 'std_msgs/msg/String'));
  const qos = new Map([['offered_qos_profiles', offeredQosProfilesYaml([QoS.profileSensorData])]]);
  const odom = rec.addChannel('/r1/odom', odomSchema, 'cdr', qos);
  const str = rec.addChannel('/chatter', strSchema, 'cdr', new Map());
  for (let i = 0; i < n; i++) {
    const t = BigInt(i) * 10_000_000n;
    const msg = registry.createDefault<{ pose: { pose: { position: { x: number } } } }>(odomType);
    msg.pose.pose.position.x = i;
    rec.addMessage(odom, t, t, registry.encode(odomType, msg));
    rec.addMessage(str, t, t, registry.encode('std_msgs/msg/String', { data: `hello ${i}` }));
  }
  if (options.close !== false) await rec.close();
  return rec;
}

function readable(file: string): McapTypes.IReadable {
  const bytes = readFileSync(file);
  return {
    size: async () => BigInt(bytes.length),
    read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
  };
}

describe('McapRecorder', () => {
  it.each(['zstd', 'none'] as const)(
    'writes a ros2-profile, chunked, indexed file that @mcap/core reads back (%s chunks)',
    async (compression) => {
      const file = join(dir, `ok-${compression}.mcap`);
      await record(file, 3000, { compression, chunkBytes: 64 * 1024 });
      const r = await McapIndexedReader.Initialize({
        readable: readable(file),
        decompressHandlers: await loadDecompressHandlers(),
      });
      expect(r.header.profile).toBe('ros2');
      expect(r.statistics!.messageCount).toBe(6000n);
      expect(r.statistics!.messageEndTime).toBe(2999n * 10_000_000n);
      expect(r.chunkIndexes.length).toBeGreaterThan(3);
      expect(new Set(r.chunkIndexes.map((c) => c.compression))).toEqual(
        new Set([compression === 'none' ? '' : 'zstd']),
      );
      const channels = [...r.channelsById.values()];
      expect(channels.map((c) => c.messageEncoding)).toEqual(['cdr', 'cdr']);
      expect(replayQoS(channels[0]!.metadata)).toEqual(QoS.profileSensorData);
      const schemas = [...r.schemasById.values()];
      expect(schemas.map((s) => s.encoding)).toEqual(['ros2msg', 'ros2msg']);
      const odomText = new TextDecoder().decode(schemas[0]!.data);
      expect(odomText).toContain(`${'='.repeat(80)}\nMSG: geometry_msgs/PoseWithCovariance\n`);
      expect(odomText).toContain('builtin_interfaces/Time stamp');
      expect(odomText).toContain('MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec');
      // Every message decodes under the schema stored in the file (not our registry).
      const readers = new Map(
        schemas.map((s) => [s.id, new MessageReader(parse(new TextDecoder().decode(s.data), { ros2: true }))]),
      );
      let xs = 0;
      let n = 0;
      for await (const m of r.readMessages()) {
        const ch = r.channelsById.get(m.channelId)!;
        const msg = readers.get(ch.schemaId)!.readMessage<Record<string, never>>(m.data) as unknown as {
          pose?: { pose: { position: { x: number } } };
        };
        if (ch.topic === '/r1/odom') xs += msg.pose!.pose.position.x;
        n++;
      }
      expect(n).toBe(6000);
      expect(xs).toBe((2999 * 3000) / 2);
      // The stream reader validates every CRC (chunks, data section, summary) end to end.
      const stream = new McapStreamReader({ decompressHandlers: await loadDecompressHandlers() });
      stream.append(readFileSync(file));
      while (stream.nextRecord() !== undefined);
      expect(stream.done()).toBe(true);
    },
  );

  it('indexes every message: each MessageIndex entry points at a message of its channel and log time', async () => {
    const file = join(dir, 'indexed.mcap');
    await record(file, 1500, { compression: 'zstd', chunkBytes: 48 * 1024 });
    const r = await McapIndexedReader.Initialize({
      readable: readable(file),
      decompressHandlers: await loadDecompressHandlers(),
    });
    const bytes = readFileSync(file);
    const handlers = await loadDecompressHandlers();
    let checked = 0;
    for (const ci of r.chunkIndexes) {
      const stream = new McapStreamReader({ includeChunks: true, decompressHandlers: handlers, noMagicPrefix: true });
      stream.append(bytes.subarray(Number(ci.chunkStartOffset), Number(ci.chunkStartOffset + ci.chunkLength)));
      const chunk = stream.nextRecord() as McapTypes.TypedMcapRecords['Chunk'];
      expect(chunk.type).toBe('Chunk');
      const records = handlers.zstd!(chunk.records, chunk.uncompressedSize);
      for (const [channelId, at] of ci.messageIndexOffsets) {
        const ix = new McapStreamReader({ noMagicPrefix: true });
        ix.append(bytes.subarray(Number(at), Number(ci.chunkStartOffset + ci.chunkLength + ci.messageIndexLength)));
        const index = ix.nextRecord() as McapTypes.TypedMcapRecords['MessageIndex'];
        expect(index.channelId).toBe(channelId);
        for (const [logTime, offset] of index.records) {
          const v = new DataView(records.buffer, records.byteOffset + Number(offset));
          expect(v.getUint8(0)).toBe(0x05); // Message opcode
          expect(v.getUint16(9, true)).toBe(channelId);
          expect(v.getBigUint64(15, true)).toBe(logTime);
          checked++;
        }
      }
    }
    expect(checked).toBe(3000);
  });

  it("refuses a zstd level outside zstd's range, saying what came", async () => {
    await expect(McapRecorder.create(join(dir, 'bad-level.mcap'), { zstdLevel: 30 })).rejects.toMatchObject({
      code: 'OUTPOST_ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/zstdLevel: expected an integer from -131072 to 22, got 30/),
    });
  });

  it('leaves complete chunks on disk before close, which a recovery reads back', async () => {
    const file = join(dir, 'killed.mcap');
    const rec = await record(file, 2000, { compression: 'none', chunkBytes: 32 * 1024, close: false });
    await rec.drain();
    const onDisk = statSync(file).size;
    expect(rec.stats.chunks).toBeGreaterThan(2);
    expect(onDisk).toBe(rec.stats.bytesWritten);
    // As if the process died now: the file ends after the last complete chunk and its indexes.
    const recovered = await McapRecording.open(file);
    expect(recovered.recovery?.reason).toContain('no footer');
    expect(recovered.recovery?.chunks).toBe(rec.stats.chunks);
    const count = Number(recovered.summary.messageCount);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(4000);
    let seen = 0;
    await recovered.forEachMessage(() => {
      seen++;
    });
    expect(seen).toBe(count);
    await recovered.close();

    // Cut inside the last chunk (32 KiB uncompressed; its message indexes are ~6 KiB): that chunk
    // is dropped whole, the earlier ones stay.
    truncateSync(file, onDisk - 12_000);
    const cut = await McapRecording.open(file);
    expect(cut.recovery!.reason).toContain('truncated');
    expect(cut.recovery!.chunks).toBe(rec.stats.chunks - 1);
    expect(cut.recovery!.ignoredBytes).toBeGreaterThan(0);
    expect(Number(cut.summary.messageCount)).toBeLessThan(count);
    await cut.close();
  });

  it('refuses a file that is not MCAP, or that is cut before anything usable, saying what came', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, not a bag\n');
    await expect(McapRecording.open(text)).rejects.toMatchObject({
      code: 'OUTPOST_ERR_MCAP_FILE',
      message: expect.stringMatching(/expected the MCAP magic .* got 68 65 6c 6c 6f 2c 20 6e \("hello, n"\)/),
    });
    const empty = join(dir, 'empty.mcap');
    writeFileSync(empty, '');
    await expect(McapRecording.open(empty)).rejects.toThrow(/got an empty file/);

    const full = join(dir, 'full.mcap');
    await record(full, 100);
    const bytes = readFileSync(full);
    const headerOnly = join(dir, 'header-cut.mcap');
    writeFileSync(headerOnly, bytes.subarray(0, 12));
    await expect(McapRecording.open(headerOnly)).rejects.toThrow(/truncated: expected an MCAP header record/);
    const firstChunkCut = join(dir, 'chunk-cut.mcap');
    writeFileSync(firstChunkCut, bytes.subarray(0, 200));
    await expect(McapRecording.open(firstChunkCut)).rejects.toThrow(
      /truncated and holds nothing to recover: expected at least one complete chunk .* inside the first chunk/,
    );
    await expect(McapRecording.open(join(dir, 'missing.mcap'))).rejects.toThrow(/cannot open .*ENOENT/);
  });

  it('writes a schema every registered message type decodes under', () => {
    for (const type of registry.types()) {
      const root = registry.definitionsOf(type)[0]!;
      // Enumerations (constants only) are one byte on the wire; MessageReader has no root for them.
      if (root.definitions.every((f) => f.isConstant === true)) continue;
      const reader = new MessageReader(parse(ros2msgSchema(registry, type), { ros2: true }));
      const bytes = registry.encode(type, registry.createDefault(type));
      expect(() => reader.readMessage(bytes), type).not.toThrow();
    }
  });
});
