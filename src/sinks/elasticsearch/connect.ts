// Start-up step for Elasticsearch: the client and the alerts data stream template, waiting for the cluster.
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../telemetry/logger.js';
import { createElasticsearchClient, type ElasticsearchSettings } from './client.js';
import { installAlertTemplateWhenReachable, type AlertStreamSettings } from './install-template.js';
import { classifyElasticsearchStartupError } from './start-up-errors.js';

export interface ElasticsearchConnection extends AsyncDisposable {
  client: Client;
}

/** Without the template, alerts would be indexed with guessed types: nothing consumes before it is in place. */
export async function connectElasticsearch(
  settings: ElasticsearchSettings,
  stream: AlertStreamSettings,
  startupTimeoutMs: number,
  logger: Logger,
): Promise<ElasticsearchConnection> {
  const client = createElasticsearchClient(settings);
  const close = async (): Promise<void> => {
    await client.close().catch((error: unknown) => logger.warn({ error }, 'Elasticsearch client close failed'));
  };
  try {
    const template = await installAlertTemplateWhenReachable(client, stream, startupTimeoutMs, (error, attempt) =>
      logger.warn({ error, attempt }, 'Elasticsearch not ready for the alerts template yet; retrying'),
    );
    const retention = stream.retention ?? null;
    if (!template.wildcardSupported) {
      logger.warn(
        { dataStream: stream.dataStream },
        'this Elasticsearch lacks the wildcard field type; command lines are mapped as keyword + text',
      );
    }
    if (!template.lifecycleSupported) {
      logger.warn(
        { dataStream: stream.dataStream, retention },
        'this Elasticsearch lacks the data stream lifecycle: the retention is stored with the stream but not enforced',
      );
    }
    if (template.notUpdated.length > 0) {
      logger.warn(
        { dataStream: stream.dataStream, notUpdated: template.notUpdated },
        'no privilege to update the existing alerts data stream; the template applies from its next rollover',
      );
    }
    logger.info({ dataStream: stream.dataStream, retention }, 'alerts data stream template installed');
  } catch (error) {
    await close();
    throw classifyElasticsearchStartupError(error, settings.url);
  }
  return { client, [Symbol.asyncDispose]: close };
}
