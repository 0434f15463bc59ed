// Avro's zig-zag varint, written by hand so tests can forge values avsc itself would refuse to encode.

/** The zig-zag varint bytes of any integer, including ones past 64 bits. */
export function avroVarint(value: bigint): Buffer {
  let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const bytes: number[] = [];
  do {
    let byte = Number(zigzag & 0x7fn);
    zigzag >>= 7n;
    if (zigzag > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (zigzag > 0n);
  return Buffer.from(bytes);
}
