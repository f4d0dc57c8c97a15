import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'runtime/**/*.test.ts',
      'launch/**/*.test.ts',
      'nodes/**/*.test.ts',
      'sim/**/*.test.ts',
      'firmware-bridge/**/*.test.ts',
      'bench/**/*.test.ts',
      'test/**/*.test.ts',
      'monitor/**/*.test.ts',
    ],
    exclude: ['node_modules', 'dist'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // expect.poll: integration tests wait on real links and processes; checks are cheap, so poll
    // often (a short-lived state such as a link that drops and comes back must not be missed).
    expect: { poll: { interval: 10, timeout: 3000 } },
    // Integration tests start real processes (launchers, brokers); two workers suit the 2-core CI box.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
