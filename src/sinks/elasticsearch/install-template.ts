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
