import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['runtime/**/*.test.ts', 'launch/**/*.test.ts', 'nodes/**/*.test.ts', 'sim/**/*.test.ts',
      'firmware-bridge/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests start real processes (launchers, brokers); two workers suit the 2-core CI box.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
