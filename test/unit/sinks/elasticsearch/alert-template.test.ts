// The alerts data stream template and the data_stream fields split from its name.
import { describe, expect, it } from 'vitest';
import { alertDataStreamTemplate, dataStreamFields } from '../../../../src/sinks/elasticsearch/alert-template.js';

describe('alertDataStreamTemplate', () => {
  it('is a data stream template for exactly the configured name, above the built-in logs template', () => {
    const template = alertDataStreamTemplate('logs-edr_dbdump_detector.alert-default', {
      wildcardSupported: true,
      retention: '365d',
    }) as Record<string, any>;
    expect(template.index_patterns).toEqual(['logs-edr_dbdump_detector.alert-default']);
    expect(template.data_stream).toEqual({});
    expect(template.priority).toBeGreaterThan(100);
    expect(template.template.lifecycle).toEqual({ enabled: true, data_retention: '365d' });
    expect(template.composed_of).toEqual(['logs-edr_dbdump_detector.alert-default@custom']);
    expect(template.ignore_missing_component_templates).toEqual(template.composed_of);
  });

  it('keeps alerts without a retention when none is configured', () => {
    const template = alertDataStreamTemplate('logs-x-y', { wildcardSupported: false, retention: undefined }) as Record<string, any>;
    expect(template.template.lifecycle).toEqual({ enabled: true });
    expect(template.template.mappings.properties.process.properties.command_line.type).toBe('keyword');
  });

  it('maps the fields External Alerts reads with ECS types', () => {
    const properties = (alertDataStreamTemplate('logs-x-y', { wildcardSupported: true, retention: undefined }) as Record<string, any>)
      .template.mappings.properties;
    expect(properties.message.type).toBe('text');
    expect(properties.event.properties.kind.type).toBe('keyword');
    expect(properties.event.properties.module.type).toBe('keyword');
    expect(properties.event.properties.reason.type).toBe('text');
    expect(properties.event.properties.ingested.type).toBe('date');
    expect(properties.event.properties.severity.type).toBe('long');
    expect(properties.event.properties.risk_score.type).toBe('float');
    expect(properties.data_stream.properties.dataset.type).toBe('keyword');
  });
});

describe('dataStreamFields', () => {
  it('splits <type>-<dataset>-<namespace>', () => {
    expect(dataStreamFields('logs-edr_dbdump_detector.alert-default')).toEqual({
      type: 'logs',
      dataset: 'edr_dbdump_detector.alert',
      namespace: 'default',
    });
    expect(dataStreamFields('logs-a-b-prod')).toEqual({ type: 'logs', dataset: 'a-b', namespace: 'prod' });
    expect(dataStreamFields('logs-alerts')).toEqual({ type: 'logs', dataset: 'alerts', namespace: 'default' });
  });
});
