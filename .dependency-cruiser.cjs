// Layer rules for src/ (the README's Layout section draws them): dependencies point one way, from the
// composition roots (main.ts, service.ts, service/, backfill/main.ts) through the adapters (kafka,
// sinks) and the pipeline down to the pure middle (vendors, decode, detect, alerts, ecs).
// `npm run lint:layers` runs this in CI; test/conformance/layers.test.ts shows it failing on a wrong import.
const pure = '^src/(vendors|decode|detect|alerts|ecs)/';
/** The pipeline's pure part: one batch in, alerts and dead letters out, no I/O. */
const purePipeline = '^src/pipeline/(evaluate-batch|value-match|feed-runtime)\\.ts$';
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
      comment:
        'Decode, map, match and alert building are pure: Kafka, Elasticsearch and the signals (telemetry) stay at the edges, ' +
        'and the pure middle never reaches up into the pipeline or the composition root.',
      from: { path: [pure, purePipeline] },
      to: { path: ['^src/(kafka|sinks|telemetry|service)/', '^src/service\\.ts$', 'node_modules/(kafkajs|@elastic/elasticsearch)/'] },
    },
    {
      name: 'pipeline-knows-no-adapter',
      severity: 'error',
      comment:
        'The batch handler orchestrates through interfaces it declares (alert writer, dead letters, session controls) and emits ' +
        'through telemetry events; the Kafka and Elasticsearch adapters implement those interfaces, so the pipeline imports neither.',
      from: { path: '^src/pipeline/' },
      to: { path: ['^src/(kafka|sinks)/', 'node_modules/(kafkajs|@elastic/elasticsearch)/'] },
    },
    {
      name: 'vendors-and-detect-stand-alone',
      severity: 'error',
      comment:
        'A vendor mapping and the rule engine read only ECS, their own files and the shared errors. Decode reads the vendors ' +
        '(their schema files and lineage), not the other way round.',
      from: { path: '^src/(vendors|detect)/' },
      to: { path: '^src/(decode|pipeline|alerts|ruleset|exceptions|suppression)/' },
    },
    {
      name: 'decode-below-pipeline',
      severity: 'error',
      comment: 'The pipeline uses decode (FeedDecoder is declared in decode), so decode may not import it back.',
      from: { path: '^src/decode/' },
      to: { path: '^src/(pipeline|alerts)/' },
    },
    {
      name: 'telemetry-is-a-leaf',
      severity: 'error',
      comment: 'Signals are emitted by every layer, so telemetry declares the shapes it reports and imports none of them back.',
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
      comment: 'Fixture and sample tooling (scripts/native: vendor JSON to Avro) serves tests and demos, never the service.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // swc, not tsc: dependency-cruiser reads TypeScript through the TypeScript 5 JS API, which TypeScript 7 no longer ships.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
