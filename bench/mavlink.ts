import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, minimal, MavLinkPacketParser, MavLinkPacketSplitter, type MavLinkPacket } from 'node-mavlink';
import { pino } from 'pino';
import { SimAutopilot } from '../sim/firmware/SimAutopilot.js';
import { SerialLink } from '../firmware-bridge/link/SerialLink.js';
import { SocatPair } from '../firmware-bridge/link/SocatPair.js';
import { mavlinkBridgeKind, type MavlinkBridgeNode } from '../firmware-bridge/MavlinkBridgeNode.js';
import { MavlinkEncoder } from '../firmware-bridge/mavlink/MavlinkEncoder.js';
import {
  ATTITUDE,
  BATTERY_STATUS,
  COMMAND_ACK,
  COMMAND_LONG,
  GLOBAL_POSITION_INT,
  HEARTBEAT,
  LOCAL_POSITION_NED,
  SYS_STATUS,
  decodePayload,
  type MessageDef,
  type MessageFields,
} from '../firmware-bridge/mavlink/MavlinkMessages.js';
import { MavlinkParser } from '../firmware-bridge/mavlink/MavlinkParser.js';
import { Context } from '../runtime/index.js';
import {
  benchMain,
  formatCount,
  formatTable,
  median,
  percentile,
  yieldToEventLoop,
  type BenchOptions,
} from './BenchRunner.js';

/**
 * MAVLink v2. (1) Parse throughput of firmware-bridge's MavlinkParser against
 * node-mavlink 2.3's MavLinkPacketSplitter → MavLinkPacketParser on the same byte stream in the
 * same run, frames only and frames + payload decode. (2) COMMAND_LONG → COMMAND_ACK round trip
 * over a socat pty pair opened at 921600 baud with serialport (a pty ignores the baud rate, so this
 * is the host's serial stack, not the wire time: 40 bytes at 921600 8N1 would add ~0.4 ms), raw
 * codec and through mavlink_bridge's `arm()` (executor, clock timers, retry bookkeeping).
 * Run: `npm run bench:mavlink [-- --smoke]`.
 */

export interface ParseSide {
  framesPerSec: number;
  mbPerSec: number;
}
export interface MavlinkBenchResult {
  benchmark: 'mavlink';
  stream: { frames: number; bytes: number; runs: number };
  parse: { outpost: ParseSide; nodeMavlink: ParseSide; outpostDecode: ParseSide; nodeMavlinkDecode: ParseSide };
  roundTrip: { raw: RoundTrip; bridge: RoundTrip };
}
export interface RoundTrip {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A telemetry-shaped stream: what an autopilot sends a companion computer, values varying. */
function telemetryStream(frames: number): Buffer {
  const enc = new MavlinkEncoder({ systemId: 1, componentId: 1 });
  const kinds: Array<[MessageDef, (i: number) => MessageFields]> = [
    [
      HEARTBEAT,
      () => ({ type: 2, autopilot: 12, base_mode: 129, custom_mode: 6 << 16, system_status: 4, mavlink_version: 3 }),
    ],
    [
      ATTITUDE,
      (i) => ({
        time_boot_ms: i,
        roll: Math.sin(i) * 0.1,
        pitch: Math.cos(i) * 0.1,
        yaw: (i % 628) / 100,
        rollspeed: 0.01,
        pitchspeed: -0.02,
        yawspeed: 0.3,
      }),
    ],
    [LOCAL_POSITION_NED, (i) => ({ time_boot_ms: i, x: i * 0.01, y: -i * 0.02, z: -10, vx: 1, vy: -2, vz: 0.1 })],
    [
      GLOBAL_POSITION_INT,
      (i) => ({
        time_boot_ms: i,
        lat: 473977420 + i,
        lon: 85455940 - i,
        alt: 498000,
        relative_alt: 10000,
        vx: 100,
        vy: -200,
        vz: 0,
        hdg: i % 36000,
      }),
    ],
    [
      SYS_STATUS,
      (i) => ({ voltage_battery: 16200 - (i % 100), current_battery: 1200, battery_remaining: 87, load: 500 }),
    ],
    [
      BATTERY_STATUS,
      () => ({
        voltages: [4050, 4050, 4050, 4050, 65535, 65535, 65535, 65535, 65535, 65535],
        current_battery: 1200,
        battery_remaining: 87,
        temperature: 2500,
      }),
    ],
  ];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    const [def, f] = kinds[i % kinds.length]!;
    parts.push(enc.encode(def, f(i)));
  }
  return Buffer.concat(parts);
}

const CHUNK = 4096;

function runOutpost(stream: Buffer, decode: boolean): { frames: number; seconds: number } {
  const p = new MavlinkParser();
  let frames = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < stream.length; i += CHUNK) {
    p.push(stream.subarray(i, i + CHUNK), (f) => {
      frames++;
      if (decode) sink += Object.keys(decodePayload(f.def, f.payload)).length;
    });
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) throw new Error('unreachable');
  return { frames, seconds };
}

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY } as Record<number, never>;

function runNodeMavlink(stream: Buffer, decode: boolean): Promise<{ frames: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const splitter = new MavLinkPacketSplitter();
    const parser = splitter.pipe(new MavLinkPacketParser());
    let frames = 0;
    let sink = 0;
    const t0 = process.hrtime.bigint();
    parser.on('data', (packet: MavLinkPacket) => {
      frames++;
      if (decode) {
        const cls = REGISTRY[packet.header.msgid];
        if (cls !== undefined) sink += Object.keys(packet.protocol.data(packet.payload, cls)).length;
      }
    });
    parser.on('end', () =>
      resolve({ frames, seconds: Number(process.hrtime.bigint() - t0) / 1e9 + (sink < 0 ? 1 : 0) }),
    );
    parser.on('error', reject);
    for (let i = 0; i < stream.length; i += CHUNK) splitter.write(stream.subarray(i, i + CHUNK));
    splitter.end();
  });
}

async function parseBench(stream: Buffer, expected: number, runs: number): Promise<MavlinkBenchResult['parse']> {
  const samples = {
    outpost: [] as number[],
    nodeMavlink: [] as number[],
    outpostDecode: [] as number[],
    nodeMavlinkDecode: [] as number[],
  };
  const check = (name: string, r: { frames: number }) => {
    if (r.frames !== expected) throw new Error(`${name}: expected ${expected} frames, got ${r.frames}`);
  };
  // Warm-up, then alternate the sides run by run so that machine noise hits both.
  runOutpost(stream, true);
  await runNodeMavlink(stream, true);
  for (let i = 0; i < runs; i++) {
    for (const decode of [false, true]) {
      const a = runOutpost(stream, decode);
      check('outpost', a);
      await yieldToEventLoop();
      const b = await runNodeMavlink(stream, decode);
      check('node-mavlink', b);
      await yieldToEventLoop();
      samples[decode ? 'outpostDecode' : 'outpost'].push(a.frames / a.seconds);
      samples[decode ? 'nodeMavlinkDecode' : 'nodeMavlink'].push(b.frames / b.seconds);
    }
  }
  const side = (fps: number[]): ParseSide => ({
    framesPerSec: median(fps),
    mbPerSec: (median(fps) * stream.length) / expected / 1e6,
  });
  return {
    outpost: side(samples.outpost),
    nodeMavlink: side(samples.nodeMavlink),
    outpostDecode: side(samples.outpostDecode),
    nodeMavlinkDecode: side(samples.nodeMavlinkDecode),
  };
}

const summarize = (ms: number[]): RoundTrip => ({
  samples: ms.length,
  p50Ms: percentile(ms, 50),
  p99Ms: percentile(ms, 99),
  maxMs: Math.max(...ms),
});

async function roundTripBench(samples: number): Promise<MavlinkBenchResult['roundTrip']> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-mavlink-'));
  const pair = await SocatPair.start({ a: join(dir, 'companion'), b: join(dir, 'autopilot') });
  const fwLink = new SerialLink({ path: pair.b, baudRate: 921600 });
  fwLink.open();
  await fwLink.whenOpen(AbortSignal.timeout(5000));
  const ap = new SimAutopilot(fwLink);
  try {
    // Raw: encoder and parser on a SerialLink, one command in flight at a time.
    const link = new SerialLink({ path: pair.a, baudRate: 921600 });
    link.open();
    await link.whenOpen(AbortSignal.timeout(5000));
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 191 });
    const parser = new MavlinkParser();
    let onAck: (() => void) | undefined;
    const off = link.onData((b) =>
      parser.push(b, (f) => {
        if (f.def === COMMAND_ACK) onAck?.();
      }),
    );
    const raw: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const t0 = process.hrtime.bigint();
      const acked = new Promise<void>((resolve) => {
        onAck = resolve;
      });
      link.write(enc.encode(COMMAND_LONG, { command: 400, param1: i % 2, target_system: 1, target_component: 1 }));
      await acked;
      if (i >= 20) raw.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    off();
    await link.close();
    // Through the node: bridge.arm() resolves on the ACK.
    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    const bridge = mavlinkBridgeKind.create(ctx, {
      name: 'mavlink_bridge',
      namespace: '/bench',
      remappings: [],
      parameterOverrides: { link: `serial://${pair.a}:921600`, command_retries: 0, command_timeout: 2 },
    }) as MavlinkBridgeNode;
    await bridge.configure();
    await bridge.activate();
    await bridge.link!.whenOpen(AbortSignal.timeout(5000));
    const viaNode: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const t0 = process.hrtime.bigint();
      await bridge.arm(i % 2 === 0);
      if (i >= 20) viaNode.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await bridge.shutdownAndDestroy();
    await ctx.close();
    return { raw: summarize(raw), bridge: summarize(viaNode) };
  } finally {
    ap.detach();
    await fwLink.close();
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runMavlinkBench(o: BenchOptions = {}): Promise<MavlinkBenchResult> {
  const frames = o.smoke ? 3_000 : 120_000;
  const runs = o.smoke ? 1 : 7;
  const stream = telemetryStream(frames);
  const parse = await parseBench(stream, frames, runs);
  const roundTrip = await roundTripBench(o.smoke ? 30 : 2000);
  return { benchmark: 'mavlink', stream: { frames, bytes: stream.length, runs }, parse, roundTrip };
}

export function formatMavlink(r: MavlinkBenchResult): string {
  const p = r.parse;
  const row = (name: string, s: ParseSide) => [name, formatCount(s.framesPerSec), s.mbPerSec.toFixed(1)];
  const rt = (name: string, s: RoundTrip) => [
    name,
    String(s.samples),
    s.p50Ms.toFixed(3),
    s.p99Ms.toFixed(3),
    s.maxMs.toFixed(3),
  ];
  return (
    `stream: ${formatCount(r.stream.frames)} frames, ${formatCount(r.stream.bytes)} bytes; median of ${r.stream.runs} runs\n\n` +
    `${formatTable(
      ['parser', 'frames/s', 'MB/s'],
      [
        row('outpost MavlinkParser (frames)', p.outpost),
        row('node-mavlink splitter+parser (frames)', p.nodeMavlink),
        row('outpost (frames + decode)', p.outpostDecode),
        row('node-mavlink (frames + decode)', p.nodeMavlinkDecode),
      ],
    )}\n\nspeedup: ${(p.outpost.framesPerSec / p.nodeMavlink.framesPerSec).toFixed(1)}x frames, ${(p.outpostDecode.framesPerSec / p.nodeMavlinkDecode.framesPerSec).toFixed(1)}x with decode\n\n` +
    formatTable(
      ['COMMAND_LONG → COMMAND_ACK over a pty (921600)', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
      [rt('raw codec + SerialLink', r.roundTrip.raw), rt('mavlink_bridge arm()', r.roundTrip.bridge)],
    )
  );
}

await benchMain(import.meta.url, runMavlinkBench, formatMavlink);
