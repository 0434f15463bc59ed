// The producer's side of a Confluent-compatible schema registry: register writer schemas under `<topic>-value`.
import { readSchemaJson, type AvroSchemaJson } from '../../src/vendors/shared/schema-file.js';
import type { VendorFeed } from '../../src/vendors/types.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A refusal by the registry, with its HTTP status and Confluent error code (e.g. 409 / 409 incompatible). */
export class RegistryRefusal extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryRefusal';
  }
}

export interface RegistryAdminOptions {
  /** The Confluent API root, e.g. `http://127.0.0.1:9081/apis/ccompat/v7` for the local Apicurio. */
  baseUrl: string;
  username?: string;
  password?: string;
}

/** The subject a Confluent serializer uses for a topic's values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export class RegistryAdmin {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;

  constructor(options: RegistryAdminOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization =
      options.username !== undefined
        ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
        : undefined;
  }

  /** Registers `schema` under `subject` (idempotent: the same schema gets its existing id back). */
  async register(subject: string, schema: AvroSchemaJson | string): Promise<number> {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    const body = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: text, schemaType: 'AVRO' });
    const id = (body as { id?: unknown }).id;
    if (typeof id !== 'number') throw new Error(`registry answered a registration under ${subject} without an id`);
    return id;
  }

  /** Sets the subject's compatibility level (BACKWARD, FULL, NONE, ...). */
  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** The registry's global compatibility level. */
  async globalCompatibility(): Promise<string> {
    const body = (await this.request('GET', '/config')) as { compatibilityLevel?: string; compatibility?: string };
    return body.compatibilityLevel ?? body.compatibility ?? '';
  }

  /** Registers each vendor's bundled schema under its topic's value subject; vendor id -> schema id. */
  async registerFeeds(vendors: readonly VendorFeed[], topicOf: (vendor: VendorFeed) => string | undefined): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const vendor of vendors) {
      const topic = topicOf(vendor);
      if (topic) ids.set(vendor.id, await this.register(valueSubject(topic), readSchemaJson(vendor.schemaFile)));
    }
    return ids;
  }

  private async request(method: string, path: string, payload?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
    if (payload !== undefined) headers['content-type'] = CONTENT_TYPE;
    if (this.authorization) headers.authorization = this.authorization;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const { error_code: errorCode, message } = (body ?? {}) as { error_code?: number; message?: string };
      throw new RegistryRefusal(
        response.status,
        errorCode,
        `registry refused ${method} ${path}: HTTP ${response.status}${errorCode ? ` (${errorCode})` : ''}: ${message ?? ''}`,
      );
    }
    return body;
  }
}
