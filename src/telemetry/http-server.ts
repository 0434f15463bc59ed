// The operations endpoint: /metrics for Prometheus, /healthz for liveness, /readyz for readiness.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ProbeResult {
  ok: boolean;
  /** Short, bounded facts for the operator (never secrets, never raw error text from inputs). */
  checks: Record<string, boolean | string | number | string[]>;
}

export interface OperationsEndpoints {
  registry: Registry;
  liveness: () => ProbeResult;
  readiness: () => ProbeResult;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startOperationsServer(endpoints: OperationsEndpoints, host: string, port: number): Promise<RunningServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      endpoints.registry
        .metrics()
        .then((body) => response.writeHead(200, { 'content-type': endpoints.registry.contentType }).end(body))
        .catch(() => response.writeHead(500).end('metrics unavailable\n'));
      return;
    }
    const probe = path === '/healthz' ? endpoints.liveness : path === '/readyz' ? endpoints.readiness : undefined;
    if (!probe) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const result = probe();
    response
      .writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ status: result.ok ? 'ok' : 'failing', checks: result.checks }) + '\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
