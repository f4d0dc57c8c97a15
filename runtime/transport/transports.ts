import { OutpostError } from '../OutpostError.js';
import { LocalTransport } from './LocalTransport.js';
import { createRos2Transport, type Ros2TransportOptions } from './Ros2Transport.js';
import type { Transport } from './Transport.js';

/** Options per transport, by name; a transport reads only its own. */
export interface TransportOptions {
  ros2?: Ros2TransportOptions;
}

type TransportFactory = (options: TransportOptions) => Transport | Promise<Transport>;

/**
 * The transports a launch file or the CLI can name (a strategy table, as MQTT.js keys its stream
 * builders by protocol). `ros2` loads rclnodejs only when it is chosen. Other transports (e.g. the
 * socket transport) register here.
 */
const transports: Readonly<Record<string, TransportFactory>> = {
  local: () => new LocalTransport(),
  ros2: (options) => createRos2Transport(options.ros2),
};

/** The names `createTransport` accepts. */
export function transportNames(): string[] {
  return Object.keys(transports);
}

/**
 * Creates the transport called `name`. Rejects with OUTPOST_ERR_TRANSPORT_UNKNOWN for a name not
 * in the table, and with OUTPOST_ERR_TRANSPORT_UNAVAILABLE when the transport cannot run here
 * (`ros2` without rclnodejs).
 */
export async function createTransport(name: string, options: TransportOptions = {}): Promise<Transport> {
  const factory = Object.hasOwn(transports, name) ? transports[name] : undefined;
  if (factory === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_TRANSPORT_UNKNOWN',
      `unknown transport ${JSON.stringify(name)}; expected one of: ${transportNames().join(', ')}`,
    );
  }
  return await factory(options);
}
