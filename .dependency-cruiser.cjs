// Layer rules for src/: the pure middle (vendors, decode, detect, alerts, pipeline) knows nothing of
// Kafka or Elasticsearch; adapters (kafka, sinks) do not know each other; only the composition root
// (service.ts, main.ts) wires everything. `npm run lint:layers` runs this in CI.
const pure = '^src/(vendors|decode|detect|alerts|ecs|pipeline)/';
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle hides which module is the lower layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'pure-middle-has-no-io-clients',
      severity: 'error',
      comment: 'Decode, map, match and alert building are pure: Kafka and Elasticsearch stay at the edges.',
      from: { path: pure },
      to: { path: ['^src/(kafka|sinks|telemetry)/', '^src/service\\.ts$', 'node_modules/(kafkajs|@elastic/elasticsearch)/'] },
    },
    {
      name: 'vendors-and-detect-stand-alone',
      severity: 'error',
      comment: 'A vendor mapping and the rule engine read only ECS and the shared errors.',
      from: { path: '^src/(vendors|detect)/' },
      to: { path: '^src/(decode|pipeline|alerts)/' },
    },
    {
      name: 'decode-below-pipeline',
      severity: 'error',
      from: { path: '^src/decode/' },
      to: { path: '^src/(pipeline|alerts)/' },
    },
    {
      name: 'telemetry-is-a-leaf',
      severity: 'error',
      comment: 'Signals are emitted by every layer, so telemetry may not import them back.',
      from: { path: '^src/telemetry/' },
      to: { path: '^src/(kafka|sinks|pipeline|decode|detect|alerts|vendors)/' },
    },
    {
      name: 'adapters-do-not-know-each-other',
      severity: 'error',
      from: { path: '^src/(kafka|sinks)/' },
      to: { path: '^src/(kafka|sinks)/', pathNot: '^src/$1/' },
    },
    {
      name: 'kafkajs-only-in-src-kafka',
      severity: 'error',
      comment: 'Another Kafka client must be a one-folder change.',
      from: { path: '^src/', pathNot: '^src/kafka/' },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 'elasticsearch-client-only-in-sinks',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/sinks/elasticsearch/' },
      to: { path: 'node_modules/@elastic/elasticsearch/' },
    },
    {
      name: 'production-does-not-import-tooling',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
