import mqtt, { type MqttClient } from 'mqtt';
import { tlsConnectOptions } from '../../runtime/fleet/FleetTls.js';
import { streamRequestTopic } from '../../runtime/fleet/FleetTopics.js';
import type { outpost_msgs } from '../../runtime/msg/MessageTypes.js';
import type { FleetBrokerSetup } from '../fleet/FleetBrokerSetup.js';
import { MAX_LEASE_S } from '../fleet/GroundStationStreams.js';

const ROBOT = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * The station's side of stream requests (issue 15): `~/stream` publishes `{topic, duration_s}` on
 * `outpost/<fleet>/<station>/~stream/<robot>` of the station's broker, the one topic tree its
 * read-only login may write besides its acks. The robot reads it there, checks it again (it trusts
 * no request) and streams within its own byte budget; `accepted` here means the request is
 * well-formed and the broker took it, not that the robot streams (a refusal is logged and counted
 * on the robot, e.g. a topic not in its `ground_station_streams`). Not retained: a robot that was
 * away gets nothing stale; a caller that still wants the topic asks again before the lease ends.
 */
export class StationStreamRequests {
  readonly #fleet: string;
  readonly #station: string;
  readonly #client: MqttClient;

  constructor(fleet: string, station: string, login: FleetBrokerSetup) {
    this.#fleet = fleet;
    this.#station = station;
    this.#client = mqtt.connect(login.url, {
      clientId: `outpost-${fleet}-${station}-requests`,
      username: login.username,
      password: login.password,
      protocolVersion: login.protocol,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      ...(login.url.startsWith('mqtts:') ? tlsConnectOptions(login.tls) : {}),
    });
    // Errors show as a refused request (below); the client keeps reconnecting.
    this.#client.on('error', () => undefined);
  }

  async ask(req: outpost_msgs.srv.StreamTopic_Request): Promise<outpost_msgs.srv.StreamTopic_Response> {
    const refuse = (reason: string) => ({ accepted: false, reason });
    if (!ROBOT.test(req.robot)) return refuse(`robot: expected a fleet robot name, got ${JSON.stringify(req.robot)}`);
    if (!req.topic.startsWith(`/${req.robot}/`) || req.topic.length <= req.robot.length + 2) {
      return refuse(
        `topic: expected one of ${req.robot}'s topics, /${req.robot}/..., got ${JSON.stringify(req.topic)}`,
      );
    }
    if (!Number.isFinite(req.duration_s) || req.duration_s < 0 || req.duration_s > MAX_LEASE_S) {
      return refuse(`duration_s: expected 0 (cancel) to ${MAX_LEASE_S} s, got ${req.duration_s}`);
    }
    if (!this.#client.connected) return refuse("the station's broker is not reachable");
    const payload = JSON.stringify({ topic: req.topic, duration_s: req.duration_s });
    try {
      await this.#client.publishAsync(streamRequestTopic(this.#fleet, this.#station, req.robot), payload, { qos: 1 });
    } catch (err) {
      return refuse(`the broker refused the request: ${(err as Error).message}`);
    }
    const what = req.duration_s === 0 ? 'cancel' : `${req.duration_s} s lease`;
    return { accepted: true, reason: `asked ${req.robot} for ${req.topic} (${what})` };
  }

  async close(): Promise<void> {
    await this.#client.endAsync(true);
  }
}
