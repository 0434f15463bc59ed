// Minimal Confluent-compatible schema registry client: GET /schemas/ids/{id}, cached, no global state.
import { DetectorError } from '../errors.js';

export interface SchemaRegistryClientOptions {
  /** e.g. `http://registry:8081`; credentials in the URL (`http://user:pass@host`) become basic auth. */
  readonly baseUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** Injectable for tests and proxies; defaults to Node's global fetch. */
  readonly fetch?: typeof globalThis.fetch;
  readonly requestTimeoutMs?: number;
  /** How long "no such id" is believed before asking again (a producer may register it meanwhile). */
  readonly missingTtlMs?: number;
  readonly now?: () => number;
}

/** Whether the registry answered lately; `reason` says why not (for /readyz). */
export interface RegistryHealth {
  readonly reachable: boolean;
  readonly reason?: string;
}

/** What the client knows about an id without I/O. */
export type CachedSchema = { readonly kind: 'found'; readonly schema: string; readonly schemaType: string } | { readonly kind: 'missing' };

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MISSING_TTL_MS = 30_000;
/**
 * A failed look-up counts against health this long. Batches waiting on the registry retry every
 * second or so, which keeps a real outage fresh; a partition that moved away stops asking, and
 * its last failure must not keep the instance unready for ever.
 */
const FAILURE_REMEMBERED_MS = 30_000;

export class SchemaRegistryClient {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly timeoutMs: number;
  private readonly missingTtlMs: number;
  private readonly now: () => number;
  // Schema ids are immutable in a registry, so a found schema is cached for the process lifetime.
  private readonly found = new Map<number, CachedSchema & { kind: 'found' }>();
  private readonly missingUntil = new Map<number, number>();
  private readonly inFlight = new Map<number, Promise<CachedSchema>>();
  private lastFailure: { readonly atMs: number; readonly reason: string } | undefined;

  constructor(options: SchemaRegistryClientOptions) {
    const url = new URL(options.baseUrl);
    // fetch refuses URLs with credentials, so they move into the Authorization header.
    const username = options.username ?? decodeURIComponent(url.username);
    const password = options.password ?? decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.authorization = username || password ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : undefined;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.missingTtlMs = options.missingTtlMs ?? DEFAULT_MISSING_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The cached answer for `id`, or undefined when only the registry can tell. Never does I/O. */
  cached(id: number): CachedSchema | undefined {
    const hit = this.found.get(id);
    if (hit) return hit;
    const until = this.missingUntil.get(id);
    if (until === undefined) return undefined;
    if (this.now() < until) return MISSING;
    this.missingUntil.delete(id);
    return undefined;
  }

  /**
   * Looks `id` up (cache first; concurrent callers share one request). Resolves to `found` or
   * `missing`; rejects only with DECODE_REGISTRY_UNAVAILABLE (retriable), which is never cached.
   */
  lookup(id: number): Promise<CachedSchema> {
    const cached = this.cached(id);
    if (cached) return Promise.resolve(cached);
    let request = this.inFlight.get(id);
    if (!request) {
      request = this.request(id).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, request);
    }
    return request;
  }

  /** Unreachable when the latest look-up failed, recently; reachable after any answer (found or missing). */
  health(): RegistryHealth {
    const failure = this.lastFailure;
    if (failure && this.now() - failure.atMs < FAILURE_REMEMBERED_MS) return { reachable: false, reason: failure.reason };
    return { reachable: true };
  }

  /** The schema text of `id`; rejects with DECODE_UNKNOWN_SCHEMA or DECODE_REGISTRY_UNAVAILABLE. */
  async getSchema(id: number): Promise<string> {
    const answer = await this.lookup(id);
    if (answer.kind === 'missing')
      throw new DetectorError('DECODE_UNKNOWN_SCHEMA', `schema id ${id} is not in the registry at ${this.baseUrl}`);
    return answer.schema;
  }

  private async request(id: number): Promise<CachedSchema> {
    try {
      const answer = await this.ask(id);
      this.lastFailure = undefined;
      return answer;
    } catch (error) {
      this.lastFailure = { atMs: this.now(), reason: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  }

  private async ask(id: number): Promise<CachedSchema> {
    const url = `${this.baseUrl}/schemas/ids/${id}`;
    const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    let response: Response;
    let body: unknown;
    try {
      response = await this.fetchImpl(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw unavailable(`cannot reach schema registry at ${url}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (response.ok) {
      const { schema, schemaType } = (body ?? {}) as { schema?: unknown; schemaType?: unknown };
      if (typeof schema !== 'string') throw unavailable(`schema registry answered ${url} without a schema string`);
      const entry = { kind: 'found', schema, schemaType: typeof schemaType === 'string' ? schemaType : 'AVRO' } as const;
      this.found.set(id, entry);
      return entry;
    }
    // Only the registry's own "schema not found" (error_code 404xx) means the id does not exist; a
    // bare 404 is more likely a wrong base URL, and dead-lettering every record for that would be worse.
    const errorCode = (body as { error_code?: unknown } | undefined)?.error_code;
    if (response.status === 404 && typeof errorCode === 'number' && Math.trunc(errorCode / 100) === 404) {
      this.missingUntil.set(id, this.now() + this.missingTtlMs);
      return MISSING;
    }
    throw unavailable(
      `schema registry answered ${url} with HTTP ${response.status}${errorCode === undefined ? '' : ` (error_code ${JSON.stringify(errorCode)})`}`,
    );
  }
}

const MISSING: CachedSchema = Object.freeze({ kind: 'missing' });

function unavailable(message: string, cause?: unknown): DetectorError {
  return new DetectorError('DECODE_REGISTRY_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
}
