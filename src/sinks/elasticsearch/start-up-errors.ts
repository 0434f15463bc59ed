// The one classifier for Elasticsearch start-up failures: refused credentials stop start-up as a configuration problem.
import { errors } from '@elastic/elasticsearch';
import { DetectorError } from '../../errors.js';

/** Authentication and authorisation failures will not heal by retrying. */
function isCredentialsError(error: unknown): boolean {
  const cause = error instanceof DetectorError ? error.cause : error;
  return cause instanceof errors.ResponseError && (cause.statusCode === 401 || cause.statusCode === 403);
}

export function classifyElasticsearchStartupError(error: unknown, url: string): unknown {
  if (!isCredentialsError(error)) return error;
  return new DetectorError(
    'CONFIG_INVALID',
    `Elasticsearch refused our credentials at ${url}: check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD`,
    {
      cause: error,
    },
  );
}
