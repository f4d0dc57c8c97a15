import {
  common,
  minimal,
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  MavLinkProtocolV2,
  type MavLinkPacket,
} from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { MavlinkEncoder } from './MavlinkEncoder.js';
import { COMMON_MESSAGES, decodePayload, type MessageFields } from './MavlinkMessages.js';
import { MavlinkParser } from './MavlinkParser.js';

// Cross-check against an independent implementation (node-mavlink 2.3 / mavlink-mappings, a
// devDependency): same CRC_EXTRA, same payload length and field offsets, frames each side accepts.
const CLASSES: Record<
  string,
  {
    MSG_ID: number;
    MAGIC_NUMBER: number;
    PAYLOAD_LENGTH: number;
    FIELDS: Array<{ source: string; offset: number; extension: boolean }>;
  }
> = {
  HEARTBEAT: minimal.Heartbeat,
  SYS_STATUS: common.SysStatus,
  ATTITUDE: common.Attitude,
  LOCAL_POSITION_NED: common.LocalPositionNed,
  GLOBAL_POSITION_INT: common.GlobalPositionInt,
  COMMAND_LONG: common.CommandLong,
  COMMAND_ACK: common.CommandAck,
  SET_POSITION_TARGET_LOCAL_NED: common.SetPositionTargetLocalNed,
  BATTERY_STATUS: common.BatteryStatus,
} as never;

function splitWithNodeMavlink(bytes: Uint8Array): Promise<MavLinkPacket[]> {
  return new Promise((resolve, reject) => {
    const packets: MavLinkPacket[] = [];
    const splitter = new MavLinkPacketSplitter();
    const parser = splitter.pipe(new MavLinkPacketParser());
    parser.on('data', (p: MavLinkPacket) => packets.push(p));
    parser.on('end', () => resolve(packets));
    parser.on('error', reject);
    splitter.end(Buffer.from(bytes));
  });
}

describe('MAVLink message layouts', () => {
  it.each(COMMON_MESSAGES.map((d) => [d.name, d] as const))(
    '%s matches mavlink-mappings (id, CRC_EXTRA, length, offsets)',
    (_, def) => {
      const cls = CLASSES[def.name]!;
      expect(def.id).toBe(cls.MSG_ID);
      expect(def.crcExtra).toBe(cls.MAGIC_NUMBER);
      expect(def.maxLength).toBe(cls.PAYLOAD_LENGTH);
      let offset = 0;
      const size = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4 } as const;
      for (const [name, t, n = 1, ext] of def.fields) {
        const f = cls.FIELDS.find((x) => x.source === name)!;
        expect(f, name).toBeDefined();
        expect([name, f.offset, f.extension]).toEqual([name, offset, ext === 'ext']);
        offset += size[t] * n;
      }
    },
  );

  it('node-mavlink accepts our frames and decodes the same values', async () => {
    const enc = new MavlinkEncoder({ systemId: 42, componentId: 191 });
    const sent: MessageFields = {
      param1: 1,
      param2: 21196,
      command: 400,
      target_system: 1,
      target_component: 1,
      confirmation: 2,
    };
    const packets = await splitWithNodeMavlink(
      enc.encode(COMMON_MESSAGES.find((d) => d.name === 'COMMAND_LONG')!, sent),
    );
    expect(packets.length).toBe(1);
    const p = packets[0]!;
    expect([p.header.sysid, p.header.compid, p.header.msgid]).toEqual([42, 191, 76]);
    const msg = p.protocol.data(p.payload, common.CommandLong) as unknown as Record<string, number>;
    expect([msg._param1, msg._param2, msg.command, msg.confirmation]).toEqual([1, 21196, 400, 2]);
  });

  it('node-mavlink verifies our signatures (same key, link id, timestamp)', async () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
    const unixMs = 1_700_000_000_000;
    const enc = new MavlinkEncoder({
      systemId: 1,
      componentId: 191,
      signing: { key, linkId: 7 },
      unixMs: () => unixMs,
    });
    const packets = await splitWithNodeMavlink(enc.encode(COMMON_MESSAGES[0]!, { type: 18, autopilot: 8 }));
    const sig = packets[0]!.signature!;
    expect(sig.linkId).toBe(7);
    expect(sig.timestamp).toBe((unixMs - 1_420_070_400_000) * 100);
    expect(sig.matches(key)).toBe(true);
    expect(sig.matches(Buffer.alloc(32))).toBe(false);
  });

  it('our parser accepts node-mavlink MAVLink 2 frames', () => {
    const hb = new minimal.Heartbeat();
    hb.type = 2;
    hb.autopilot = 12;
    hb.customMode = 6 << 16;
    hb.baseMode = minimal.MavModeFlag.SAFETY_ARMED | minimal.MavModeFlag.CUSTOM_MODE_ENABLED;
    hb.systemStatus = 4;
    hb.mavlinkVersion = 3;
    const bytes = new MavLinkProtocolV2(1, 1).serialize(hb, 9);
    const got: MessageFields[] = [];
    new MavlinkParser().push(bytes, (f) => got.push(decodePayload(f.def, f.payload)));
    expect(got).toEqual([
      { custom_mode: 6 << 16, type: 2, autopilot: 12, base_mode: 129, system_status: 4, mavlink_version: 3 },
    ]);
  });
});
