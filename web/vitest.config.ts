import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,script,vault,locales,auditorium}/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
