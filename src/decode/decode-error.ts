// Builds decode-stage DetectorErrors whose message names the vendor, so a dead-lettered record explains itself.
import { DetectorError, type ErrorCode } from '../errors.js';

export type DecodeErrorCode = Extract<ErrorCode, `DECODE_${string}`>;

export function decodeError(code: DecodeErrorCode, vendorId: string, reason: string, cause?: unknown): DetectorError {
  return new DetectorError(code, `${vendorId}: ${reason}`, cause === undefined ? undefined : { cause });
}
