import { readFileSync } from 'node:fs';
import { OutpostError } from '../OutpostError.js';

/**
 * TLS to an external broker (`mqtts://`): the CA that signed the broker's certificate and, for
 * brokers that require client certificates, this robot's certificate and key (PEM). The broker's
 * certificate is always verified; there is no switch to turn that off.
 */
export interface FleetTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** mqtt.js connect options for `tls` (empty when there is none). */
export function tlsConnectOptions(tls: FleetTls | undefined): Record<string, unknown> {
  if (tls === undefined) return {};
  return {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    rejectUnauthorized: true,
  };
}

/** Reads the PEM files named by a fleet_link's tls_* parameters ('' = not given). */
export function loadFleetTls(files: { ca: string; cert: string; key: string }): FleetTls | undefined {
  if (files.ca === '' && files.cert === '' && files.key === '') return undefined;
  if ((files.cert === '') !== (files.key === '')) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_BROKER',
      'fleet TLS: tls_cert_file and tls_key_file go together; give both or neither',
    );
  }
  const read = (what: string, path: string): Buffer | undefined => {
    if (path === '') return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_BROKER',
        `fleet TLS: cannot read ${what} ${path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
  return { ca: read('CA file', files.ca), cert: read('certificate', files.cert), key: read('key', files.key) };
}
