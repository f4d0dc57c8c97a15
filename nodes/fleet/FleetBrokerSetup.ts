import type { Logger } from 'pino';
import { EmbeddedBroker } from '../../runtime/fleet/EmbeddedBroker.js';
import { FleetAccess } from '../../runtime/fleet/FleetAccess.js';
import { loadFleetCredentials } from '../../runtime/fleet/FleetCredentials.js';
import { loadFleetTls, type FleetTls } from '../../runtime/fleet/FleetTls.js';

/** The fleet_link parameters that say which broker this robot runs and how it logs in. */
export interface FleetBrokerParams {
  readonly fleet: string;
  readonly broker: string;
  readonly broker_host: string;
  readonly broker_port: number;
  readonly mqtt_version: number;
  readonly username: string;
  readonly password: string;
  readonly credentials_file: string;
  readonly tls_ca_file: string;
  readonly tls_cert_file: string;
  readonly tls_key_file: string;
}

/** This robot's broker and login, as its receiver and its links to teammates use them. */
export interface FleetBrokerSetup {
  username: string;
  password: string;
  tls: FleetTls | undefined;
  /** The embedded broker, when this robot runs one (closed by whoever set it up). */
  broker: EmbeddedBroker | undefined;
  /** Where this robot's broker listens (teammates reach it through the link gate in simulation). */
  url: string;
  protocol: 4 | 5;
}

/**
 * Logs in and brings up this robot's broker: the login is `username` (default: the robot name)
 * with `password` or its entry in `credentials_file`; `broker: embedded` starts Aedes with the
 * fleet's users and namespace ACL (MQTT 3.1.1), anything else is the URL of a broker already
 * running (Mosquitto, MQTT `mqtt_version`). TLS files are loaded for mqtts:// URLs.
 */
export async function setUpFleetBroker(robot: string, p: FleetBrokerParams, logger: Logger): Promise<FleetBrokerSetup> {
  const username = p.username || robot;
  const users = p.credentials_file === '' ? [] : loadFleetCredentials(p.credentials_file);
  const password = p.password || users.find((u) => u.username === username)?.password || '';
  if (password === '') {
    throw new Error(`fleet_link: no password for "${username}": set "password" or list the user in credentials_file`);
  }
  const tls = loadFleetTls({ ca: p.tls_ca_file, cert: p.tls_cert_file, key: p.tls_key_file });
  if (p.broker === 'embedded') {
    if (users.length === 0)
      throw new Error("fleet_link: the embedded broker needs a credentials_file listing the fleet's users");
    const broker = new EmbeddedBroker({
      access: new FleetAccess(p.fleet, users, { deriveInBackground: true }),
      host: p.broker_host,
      port: p.broker_port,
      onRefused: (what, user, detail) =>
        logger.warn({ what, user }, `broker refused ${what} by ${String(user)}: ${detail}`),
    });
    try {
      await broker.start();
    } catch (err) {
      await broker.close(); // whatever part of it did start
      throw err;
    }
    return { username, password, tls, broker, url: broker.url, protocol: 4 };
  }
  return { username, password, tls, broker: undefined, url: p.broker, protocol: p.mqtt_version === 5 ? 5 : 4 };
}
