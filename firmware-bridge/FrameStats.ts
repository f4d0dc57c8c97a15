/**
 * What a frame parser saw on a byte stream. Bad input is never silent: every dropped byte and
 * frame is counted here, and `lastError` says what was expected and what came.
 */
export interface FrameStats {
  /** Bytes fed to the parser. */
  bytes: number;
  /** Frames that passed every check and were delivered. */
  frames: number;
  /** Bytes skipped while looking for a frame start (garbage, or the rest of a rejected frame). */
  discardedBytes: number;
  /** Frames whose checksum did not match (corruption, or a truncated frame that ran into the next). */
  crcErrors: number;
  /** Frames rejected for another reason (unknown message, bad length, bad flags, bad signature). */
  rejectedFrames: number;
  /** The last problem, in words; empty while there has been none. */
  lastError: string;
}

export function emptyFrameStats(): FrameStats {
  return { bytes: 0, frames: 0, discardedBytes: 0, crcErrors: 0, rejectedFrames: 0, lastError: '' };
}

export const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
