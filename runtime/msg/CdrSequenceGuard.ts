import { CdrReader } from '@foxglove/cdr';

/**
 * Refuses a CDR sequence length longer than the bytes left, before anything is allocated for it.
 *
 * @foxglove/cdr's CdrReader allocates a sequence's declared length first and reads second on its
 * big-endian and unaligned paths (`typedArraySlow`, `typedArrayUnaligned`; float64/int64 arrays are
 * unaligned whenever the payload starts on an 8-byte boundary): a 12-byte big-endian LaserEcho
 * declaring 0x04010000 float32s allocated 256 MiB before failing (found by fuzzing), and
 * lengths near 2^32 ask for up to 32 GiB. Every sequence element takes at least one byte on the
 * wire (the smallest, an empty message, is one uint8), so a count above the bytes left can never
 * decode. MessageReader builds its CdrReader inside `readMessage`, with no way to pass one in, so
 * the check goes on the prototype, once; the codec turns the error into OUTPOST_ERR_CDR_DECODE.
 */
let installed = false;

export function installCdrSequenceGuard(): void {
  if (installed) return;
  installed = true;
  const read = CdrReader.prototype.sequenceLength;
  CdrReader.prototype.sequenceLength = function guardedSequenceLength(this: CdrReader): number {
    const at = this.decodedBytes;
    const count = read.call(this);
    const left = this.byteLength - this.decodedBytes;
    if (count > left) {
      throw new RangeError(`sequence length ${count} at payload offset ${at} exceeds the ${left} byte(s) left`);
    }
    return count;
  };
}
