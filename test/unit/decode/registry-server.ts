// A tiny real schema registry for tests: node:http serving GET /schemas/ids/{id}, with switchable faults.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RegistryServer {
  readonly url: string;
  /** id -> schema text (and optional schemaType) the server knows. */
  readonly schemas: Map<number, { schema: string; schemaType?: string }>;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  readonly headers: IncomingHttpHeaders[];
  /** When set, every request is answered with this status and body (e.g. 500, or a bare 404). */
  fault: { status: number; body: string } | undefined;
  /** When true, requests are accepted but never answered (for timeouts). */
  hang: boolean;
  /** Back to a healthy registry that knows exactly `schemas` (id -> schema text), with no requests seen. */
  reset(schemas: Record<number, string>): void;
  close(): Promise<void>;
}

export async function startRegistryServer(): Promise<RegistryServer> {
  const state = {
    schemas: new Map<number, { schema: string; schemaType?: string }>(),
    requests: [] as string[],
    headers: [] as IncomingHttpHeaders[],
    fault: undefined as { status: number; body: string } | undefined,
    hang: false,
  };
  const server: Server = createServer((request, response) => {
    state.requests.push(request.url ?? '');
    state.headers.push(request.headers);
    if (state.hang) return;
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      response.end(body);
    };
    if (state.fault) return send(state.fault.status, state.fault.body);
    const match = /\/schemas\/ids\/(\d+)$/.exec(request.url ?? '');
    const entry = match ? state.schemas.get(Number(match[1])) : undefined;
    if (!match || request.method !== 'GET') return send(404, JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }));
    if (!entry) return send(404, JSON.stringify({ error_code: 40403, message: `Schema ${match[1]} not found` }));
    send(200, JSON.stringify(entry));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    reset(schemas: Record<number, string>) {
      state.schemas.clear();
      for (const [id, schema] of Object.entries(schemas)) state.schemas.set(Number(id), { schema });
      state.requests.length = 0;
      state.headers.length = 0;
      state.fault = undefined;
      state.hang = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
