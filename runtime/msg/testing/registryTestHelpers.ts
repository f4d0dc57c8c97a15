/** Helpers shared by the MessageRegistry tests. */
import { isOutpostError, type OutpostErrorCode } from '../../OutpostError.js';

/** Typed arrays as plain arrays, so a decoded message compares with the documented one. */
export function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

export function thrown(fn: () => unknown): { code: OutpostErrorCode | undefined; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: isOutpostError(err) ? err.code : undefined, message: (err as Error).message };
  }
  throw new Error('expected the call to throw');
}
