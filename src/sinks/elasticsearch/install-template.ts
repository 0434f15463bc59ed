// Installs (or refreshes) the alerts data stream: template, the stream itself, lifecycle; safe to repeat.
import { setTimeout as delay } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';
import { backoffDelayMs } from '../../backoff.js';
import { DetectorError } from '../../errors.js';
import { alertDataStreamTemplate, alertMappings } from './alert-template.js';

export interface AlertStreamSettings {
  dataStream: string;
  /** Data stream lifecycle retention (`90d`); undefined keeps alerts until deleted by hand. */
  retention: string | undefined;
}

export interface TemplateInstallResult {
  wildcardSupported: boolean;
  /**
   * False where Elasticsearch lacks the data stream APIs (the integ-test distribution): the stream
   * is then created by the first alert written, and its lifecycle is stored but nobody enforces it.
   */
  lifecycleSupported: boolean;
  /**
   * What could not be brought up to date on an existing stream for lack of privileges (`manage`,
   * `manage_data_stream_lifecycle`): it applies from the next rollover instead.
   */
  notUpdated: Array<'mappings' | 'lifecycle'>;
}

function isMissingWildcardType(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError) || error.statusCode !== 400) return false;
  const body = JSON.stringify(error.body ?? '');
  return body.includes('mapper_parsing_exception') && body.includes('[wildcard]');
}

/** The distribution has no handler for this API (data stream and lifecycle APIs live in a module). */
function isMissingApi(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError)) return false;
  if (error.statusCode === 405) return true;
  return error.statusCode === 400 && JSON.stringify(error.body ?? '').includes('no handler found');
}

function isForbidden(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.statusCode === 403;
}

function errorType(error: unknown): string | undefined {
  return error instanceof errors.ResponseError ? (error.body as { error?: { type?: string } })?.error?.type : undefined;
}

/** What the name is today: a data stream, an index or alias (which we must not write into), or nothing. */
async function existingKind(client: Client, name: string): Promise<'data_stream' | 'index' | 'none'> {
  try {
    const resolved = await client.indices.resolveIndex({ name, expand_wildcards: 'all' });
    if (resolved.data_streams.some((stream) => stream.name === name)) return 'data_stream';
    return resolved.indices.length > 0 || resolved.aliases.length > 0 ? 'index' : 'none';
  } catch (error) {
    if (errorType(error) === 'index_not_found_exception') return 'none';
    throw error;
  }
}

async function putTemplate(client: Client, settings: AlertStreamSettings): Promise<boolean> {
  const { dataStream, retention } = settings;
  try {
    await client.indices.putIndexTemplate({
      name: dataStream,
      ...alertDataStreamTemplate(dataStream, { wildcardSupported: true, retention }),
    });
    return true;
  } catch (error) {
    if (!isMissingWildcardType(error)) throw error;
    await client.indices.putIndexTemplate({
      name: dataStream,
      ...alertDataStreamTemplate(dataStream, { wildcardSupported: false, retention }),
    });
    return false;
  }
}

export async function installAlertTemplate(client: Client, settings: AlertStreamSettings): Promise<TemplateInstallResult> {
  const { dataStream, retention } = settings;
  let kind: Awaited<ReturnType<typeof existingKind>>;
  try {
    kind = await existingKind(client, dataStream);
  } catch (error) {
    throw new DetectorError('SINK_TEMPLATE_FAILED', `looking up the alerts data stream "${dataStream}" failed: ${describe(error)}`, {
      cause: error,
    });
  }
  if (kind === 'index') {
    // Writes would land in that index, outside the template and the lifecycle, and 409s would no
    // longer find earlier alerts once the index is replaced.
    throw new DetectorError(
      'CONFIG_INVALID',
      `ALERTS_DATA_STREAM: "${dataStream}" is an existing index or alias, not a data stream; choose another name or remove it`,
    );
  }
  let lifecycleSupported = true;
  const notUpdated: TemplateInstallResult['notUpdated'] = [];
  try {
    const wildcardSupported = await putTemplate(client, settings);
    if (kind === 'none') {
      try {
        await client.indices.createDataStream({ name: dataStream });
      } catch (error) {
        // Another replica created it first (the state we want), or no API: the first write creates it.
        if (isMissingApi(error)) lifecycleSupported = false;
        else if (errorType(error) !== 'resource_already_exists_exception') throw error;
      }
    } else {
      // A template applies at creation and rollover only: bring the live stream up to date too.
      try {
        await client.indices.putMapping({ index: dataStream, write_index_only: true, ...alertMappings(wildcardSupported) });
      } catch (error) {
        if (!isForbidden(error)) throw error;
        notUpdated.push('mappings');
      }
      try {
        await client.indices.putDataLifecycle({ name: dataStream, ...(retention === undefined ? {} : { data_retention: retention }) });
      } catch (error) {
        if (isMissingApi(error)) lifecycleSupported = false;
        else if (isForbidden(error)) notUpdated.push('lifecycle');
        else throw error;
      }
    }
    return { wildcardSupported, lifecycleSupported, notUpdated };
  } catch (error) {
    throw new DetectorError('SINK_TEMPLATE_FAILED', `installing the alerts data stream "${dataStream}" failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.ResponseError) return `HTTP ${error.statusCode}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** True when waiting may help: no answer at all, or 429/5xx. A 4xx answer will not change by itself. */
function mayHeal(error: unknown): boolean {
  if (error instanceof DetectorError && !error.retriable) return false;
  const cause = error instanceof DetectorError ? error.cause : error;
  if (cause instanceof errors.ResponseError) return cause.statusCode === 429 || (cause.statusCode ?? 0) >= 500;
  return true;
}

/** Start-up waits for Elasticsearch retry at most this far apart. */
const START_UP_MAX_BACKOFF_MS = 5_000;

/**
 * installAlertTemplate, retried with backoff while Elasticsearch is unreachable or overloaded, for
 * up to `timeoutMs`: a detector started alongside its cluster waits for it instead of crash-looping.
 * Refusals (401, 403, 400) and a name taken by an index fail at once.
 */
export async function installAlertTemplateWhenReachable(
  client: Client,
  settings: AlertStreamSettings,
  timeoutMs: number,
  onRetry: (error: unknown, attempt: number) => void,
): Promise<TemplateInstallResult> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await installAlertTemplate(client, settings);
    } catch (error) {
      const delayMs = backoffDelayMs(attempt - 1, 500, START_UP_MAX_BACKOFF_MS);
      if (!mayHeal(error) || Date.now() + delayMs > deadline) throw error;
      onRetry(error, attempt);
      await delay(delayMs);
    }
  }
}
