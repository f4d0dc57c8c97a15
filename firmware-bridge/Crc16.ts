/**
 * CRC-16/MCRF4XX (the X.25 CRC without the final XOR: poly 0x1021 reflected, init 0xFFFF), as
 * MAVLink computes it (`crc_accumulate` in the MAVLink C library's checksum.h). The motor protocol
 * uses the same CRC so one table-free routine serves both links.
 */
export const CRC16_INIT = 0xffff;

/** Folds one byte into a running CRC. */
export function crc16Accumulate(byte: number, crc: number): number {
  let tmp = (byte ^ (crc & 0xff)) & 0xff;
  tmp = (tmp ^ (tmp << 4)) & 0xff;
  return ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
}

/** CRC of `bytes[start, end)`, continuing from `crc`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = CRC16_INIT): number {
  for (let i = start; i < end; i++) {
    let tmp = (bytes[i]! ^ (crc & 0xff)) & 0xff;
    tmp = (tmp ^ (tmp << 4)) & 0xff;
    crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
  }
  return crc;
}
