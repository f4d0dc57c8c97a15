/**
 * A byte pipe to firmware: a serial port, a TCP connection or a UDP socket, behind one interface so
 * the bridges never import serialport, net or dgram (CONVENTIONS: the core does no I/O). Links
 * reopen by themselves with backoff when the far end goes away (a USB unplug, an autopilot SITL
 * restart); the bridge only watches `state`.
 */
export type LinkState = 'closed' | 'connecting' | 'open' | 'reconnecting';

export interface ByteLinkStats {
  bytesIn: number;
  bytesOut: number;
  /** Writes refused because the link was not open (the bytes are dropped, not queued: stale setpoints are worse than none). */
  writesDropped: number;
  /** Times the link came back after being lost. */
  reconnects: number;
  /** The last I/O error, in words. */
  lastError: string;
}

export interface ByteLink {
  /** What it is, for logs: `serial:///dev/ttyACM0:921600`. */
  readonly url: string;
  readonly state: LinkState;
  readonly stats: ByteLinkStats;
  /** Starts the link; it keeps trying to (re)open until `close()`. */
  open(): void;
  /** Resolves when the link is open (now or later); rejects if `signal` aborts first. */
  whenOpen(signal?: AbortSignal): Promise<void>;
  /** Sends bytes if open; returns false (and counts a dropped write) if not. */
  write(bytes: Uint8Array): boolean;
  /** Stops reconnecting and releases the device. */
  close(): Promise<void>;
  onData(listener: (bytes: Uint8Array) => void): () => void;
  onState(listener: (state: LinkState) => void): () => void;
}

/** Reconnect backoff shared by the links. Unit: s. */
export interface BackoffOptions {
  /** First retry delay. Default 0.05 s. */
  initialDelay?: number;
  /** Upper bound of the doubling delay. Default 2 s. */
  maxDelay?: number;
}
