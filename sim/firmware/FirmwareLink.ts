/** The part of a ByteLink simulated firmware needs: its end of the wire. */
export interface FirmwareLink {
  write(bytes: Uint8Array): boolean;
  onData(listener: (bytes: Uint8Array) => void): () => void;
}
