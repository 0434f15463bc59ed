// Installs (or refreshes) the alerts index template and creates the alerts index; safe to repeat.
import { errors, type Client } from '@elastic/elasticsearch';
import { DetectorError } from '../../errors.js';
import { alertIndexTemplate } from './alert-template.js';

export interface TemplateInstallResult {
  wildcardSupported: boolean;
}

function isMissingWildcardType(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError) || error.statusCode !== 400) return false;
  const body = JSON.stringify(error.body ?? '');
  return body.includes('mapper_parsing_exception') && body.includes('[wildcard]');
}

export async function installAlertTemplate(client: Client, index: string): Promise<TemplateInstallResult> {
  let wildcardSupported = true;
  try {
    try {
      await client.indices.putIndexTemplate({ name: index, ...alertIndexTemplate(index, true) });
    } catch (error) {
      if (!isMissingWildcardType(error)) throw error;
      wildcardSupported = false;
      await client.indices.putIndexTemplate({ name: index, ...alertIndexTemplate(index, false) });
    }
    const exists = await client.indices.exists({ index });
    if (!exists) {
      try {
        await client.indices.create({ index });
      } catch (error) {
        // Another replica created it between our check and our create: that is the state we want.
        const type = error instanceof errors.ResponseError ? (error.body as { error?: { type?: string } })?.error?.type : undefined;
        if (type !== 'resource_already_exists_exception') throw error;
      }
    }
  } catch (error) {
    throw new DetectorError('SINK_TEMPLATE_FAILED', `installing the alerts template for "${index}" failed: ${describe(error)}`, {
      cause: error,
    });
  }
  return { wildcardSupported };
}

function describe(error: unknown): string {
  if (error instanceof errors.ResponseError) return `HTTP ${error.statusCode}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** True when waiting may help: no answer at all, or 429/5xx. A 4xx answer will not change by itself. */
function mayHeal(error: unknown): boolean {
  const cause = error instanceof DetectorError ? error.cause : error;
  if (cause instanceof errors.ResponseError) return cause.statusCode === 429 || (cause.statusCode ?? 0) >= 500;
  return true;
}

/**
 * installAlertTemplate, retried with backoff while Elasticsearch is unreachable or overloaded, for
 * up to `timeoutMs`: a detector started alongside its cluster waits for it instead of crash-looping.
 * Refusals (401, 403, 400) fail at once.
 */
export async function installAlertTemplateWhenReachable(
  client: Client,
  index: string,
  timeoutMs: number,
  onRetry: (error: unknown, attempt: number) => void,
): Promise<TemplateInstallResult> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await installAlertTemplate(client, index);
    } catch (error) {
      const delayMs = Math.min(5_000, 250 * 2 ** attempt);
      if (!mayHeal(error) || Date.now() + delayMs > deadline) throw error;
      onRetry(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
