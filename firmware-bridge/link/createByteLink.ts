import { OutpostError } from '../../runtime/OutpostError.js';
import type { BackoffOptions, ByteLink } from './ByteLink.js';
import { SerialLink } from './SerialLink.js';
import { TcpLink } from './TcpLink.js';
import { UdpLink } from './UdpLink.js';

type LinkFactory = (rest: string, url: string, backoff: BackoffOptions) => ByteLink;

const hostPort = (rest: string, url: string, what: string): { host: string; port: number } => {
  const m = /^\/\/(\[[^\]]*\]|[^:/]*):(\d{1,5})$/.exec(rest);
  if (m === null || Number(m[2]) > 65535) {
    throw new OutpostError(
      'OUTPOST_ERR_FIRMWARE_LINK',
      `link ${JSON.stringify(url)}: expected ${what}, e.g. tcp://127.0.0.1:5760`,
    );
  }
  return { host: m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
};

/**
 * Links keyed by URL scheme (MAVSDK's connection URLs): `serial:///dev/ttyACM0:921600`,
 * `tcp://host:port`, `udp://[bind_host]:port` (listen, answer the last sender),
 * `udpout://host:port` (send to a fixed peer).
 */
export const linkSchemes: Readonly<Record<string, LinkFactory>> = {
  serial: (rest, url, backoff) => {
    const m = /^\/\/(\/.+):(\d+)$/.exec(rest);
    if (m === null)
      throw new OutpostError(
        'OUTPOST_ERR_FIRMWARE_LINK',
        `link ${JSON.stringify(url)}: expected serial://<absolute device path>:<baud>, e.g. serial:///dev/ttyACM0:921600`,
      );
    return new SerialLink({ path: m[1]!, baudRate: Number(m[2]), ...backoff });
  },
  tcp: (rest, url, backoff) => new TcpLink({ ...hostPort(rest, url, 'tcp://host:port'), ...backoff }),
  udp: (rest, url, backoff) => {
    const { host, port } = hostPort(rest, url, 'udp://[bind host]:port');
    return new UdpLink({ bindHost: host, bindPort: port, ...backoff });
  },
  udpout: (rest, url, backoff) => {
    const { host, port } = hostPort(rest, url, 'udpout://host:port');
    return new UdpLink({ bindHost: '0.0.0.0', bindPort: 0, remoteHost: host, remotePort: port, ...backoff });
  },
};

/**
 * Opens the link a URL names. No scheme at all: OUTPOST_ERR_FIRMWARE_LINK; a scheme not in the
 * table: OUTPOST_ERR_UNKNOWN_LINK_SCHEME; both list the known schemes.
 */
export function createByteLink(url: string, backoff: BackoffOptions = {}): ByteLink {
  const known = Object.keys(linkSchemes)
    .map((s) => `${s}:`)
    .join(', ');
  const m = /^([a-z]+):(.*)$/.exec(url);
  if (m === null)
    throw new OutpostError(
      'OUTPOST_ERR_FIRMWARE_LINK',
      `link ${JSON.stringify(url)}: expected a URL with one of the schemes ${known}`,
    );
  const factory = Object.hasOwn(linkSchemes, m[1]!) ? linkSchemes[m[1]!] : undefined;
  if (factory === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_LINK_SCHEME',
      `link ${JSON.stringify(url)}: scheme "${m[1]}:" is not known; expected a URL with one of the schemes ${known}`,
    );
  }
  return factory(m[2]!, url, backoff);
}
