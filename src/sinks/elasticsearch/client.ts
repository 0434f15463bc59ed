// Builds the Elasticsearch client from configuration: URL, API key or basic auth, CA, timeouts.
import { Client, type ClientOptions } from '@elastic/elasticsearch';

export interface ElasticsearchSettings {
  url: string;
  apiKey?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  requestTimeoutMs: number;
}

export function createElasticsearchClient(settings: ElasticsearchSettings): Client {
  const options: ClientOptions = {
    node: settings.url,
    requestTimeout: settings.requestTimeoutMs,
    // The sink retries with its own backoff and pauses the consumer meanwhile; client-side
    // retries would hide outages from that loop and from the metrics.
    maxRetries: 0,
    compression: false,
    name: 'edr-dbdump-detector',
  };
  if (settings.apiKey) options.auth = { apiKey: settings.apiKey };
  else if (settings.username && settings.password) {
    options.auth = { username: settings.username, password: settings.password };
  }
  if (settings.ca) options.tls = { ca: settings.ca, rejectUnauthorized: true };
  return new Client(options);
}
