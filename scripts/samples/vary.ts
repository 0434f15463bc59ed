// Makes many distinct records from one template: fresh identities, current times, other process names.

const IDENTITY_KEY = /(^|[._])(id|uuid|aid|serial_event_id|unique_pid|unique_ppid|entity_id|TargetProcessId|ParentProcessId|uid)$/i;
const TIME_KEY = /(^|[._])(timestamp|time|startTime|UTCTimestamp|ProcessStartTime|created|start)$/i;
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;

/** Re-expresses `nowMs` in the unit and type the template used (ISO, epoch s/ms, FILETIME). */
function retime(value: unknown, nowMs: number): unknown {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(nowMs).toISOString();
    if (/^\d{13}$/.test(value)) return String(nowMs);
    if (/^\d{10}(\.\d+)?$/.test(value)) return (nowMs / 1000).toFixed(3);
    return value;
  }
  if (typeof value === 'number') {
    if (value > 1e16) return (nowMs + FILETIME_EPOCH_OFFSET_MS) * 10_000;
    if (value > 1e11) return nowMs;
    if (value > 1e8) return Math.floor(nowMs / 1000);
  }
  return value;
}

function reidentify(value: unknown, serial: number): unknown {
  if (typeof value === 'number') return value + serial;
  if (typeof value === 'string' && value.length > 0) {
    const suffix = serial.toString(16);
    return value.length > suffix.length + 1 ? value.slice(0, value.length - suffix.length - 1) + '-' + suffix : `${value}-${suffix}`;
  }
  return value;
}

export interface Variation {
  serial: number;
  nowMs: number;
  /** Replace this process name (and its occurrences in paths and command lines) with another. */
  rename?: { from: string; to: string };
}

/**
 * A deep copy of a native record with every identity-like field made unique by `serial`, every
 * time-like field set to `nowMs`, and optionally one process name swapped for another everywhere.
 */
export function vary(record: unknown, variation: Variation, key = ''): unknown {
  if (Array.isArray(record)) return record.map((item) => vary(item, variation, key));
  if (record !== null && typeof record === 'object') {
    const out: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(record)) out[childKey] = vary(child, variation, key ? `${key}.${childKey}` : childKey);
    return out;
  }
  if (IDENTITY_KEY.test(key)) return reidentify(record, variation.serial);
  if (TIME_KEY.test(key)) return retime(record, variation.nowMs);
  if (variation.rename && typeof record === 'string' && record.includes(variation.rename.from)) {
    return record.split(variation.rename.from).join(variation.rename.to);
  }
  return record;
}
