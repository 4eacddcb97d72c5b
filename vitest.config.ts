import { defineConfig } from 'vitest/config';

// Projects: unit (pure, next to the code), integration (real daemons), e2e (QEMU), release (custom kernel).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{cli,core,profiles,overlays,builder,installer,firstboot,cluster,scripts}/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 3_600_000, hookTimeout: 3_600_000, fileParallelism: false } },
      // Before a release, not in `npm test`: the custom-kernel ISO (a kernel compile of 20+ minutes on two cores).
      { test: { name: 'release', include: ['test/release/**/*.test.ts'], testTimeout: 3_600_000, hookTimeout: 3_600_000, fileParallelism: false } },
    ],
  },
});
