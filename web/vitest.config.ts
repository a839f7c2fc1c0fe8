import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,script,vault,locales}/**/*.test.ts'],
    environment: 'node',
  },
});
