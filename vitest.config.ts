import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // two cores: keep heavy native work (onnxruntime, hnswlib) from oversubscribing the machine
    maxWorkers: 2,
  },
});
