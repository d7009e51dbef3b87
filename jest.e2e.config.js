// End-to-end tests: the bundled action run as the GitHub runner runs it, against a real Docker engine,
// local registries, a local GitHub API and a local Actions cache service (see scripts/e2e-env.sh).
import unit from './jest.config.js'

export default {
  ...unit,
  testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600_000,
  slowTestThreshold: 120
}
