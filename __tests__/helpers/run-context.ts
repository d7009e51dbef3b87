// A GitHub context written by hand, for tests that need only a few of its fields: a tag push of blacklake/demo
// unless the test says otherwise. Tests of the context itself read captured ones (2-tags/helpers.ts loadContext).
import type { RunContext } from '../../src/1-context/context.js'

export function runContext(over: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    ref: 'refs/tags/v1.2.3',
    repository: { owner: 'blacklake', repo: 'demo' },
    actor: 'octocat',
    runId: '1',
    runNumber: '1',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    payload: {},
    ...over
  }
}
