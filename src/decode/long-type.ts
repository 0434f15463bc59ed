// Avro `long` as a JS number that tolerates values beyond 2^53 (Endgame FILETIME ticks) instead of throwing.
import avro from 'avsc';

/*
 * avsc refuses to decode a long it cannot represent exactly. Endgame timestamps are Windows FILETIME
 * ticks (~1.3e17), past Number.MAX_SAFE_INTEGER; as a double they keep ~2 µs of precision, which is
 * more than ECS's millisecond `@timestamp` needs. Safe values (pids, epochs) decode exactly as before.
 */
export const TolerantLongType = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => Number(buffer.readBigInt64LE()),
  toBuffer: (value: number | bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(typeof value === 'number' ? Math.trunc(value) : value));
    return buffer;
  },
  fromJSON: (value: unknown) => Number(value),
  toJSON: (value: number) => value,
  isValid: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
  compare: (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0),
});
