// Test runner configuration: unit and conformance tests are pure; integration suites share one local stack.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-kafkajs.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites share one Kafka and one Elasticsearch; running files one at a time keeps
    // their topics, groups and indices from competing for the 2-core machine.
    fileParallelism: false,
    reporters: ['default'],
  },
});
