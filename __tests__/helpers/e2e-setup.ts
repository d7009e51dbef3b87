// What most end-to-end files set up alike: the settings scripts/e2e-env.sh wrote (the open registry among them)
// and a local GitHub API serving the demo repository, started before the file's tests and closed after them.
// Call it at the top of the file, before the file's own beforeAll: hooks run in the order they are registered.
import { afterAll, beforeAll } from '@jest/globals'
import {
  e2eEnv,
  publish,
  uniqueName,
  workspaceFrom,
  type E2eEnv,
  type EventContext
} from '../../scripts/harness/e2e.mjs'
import { repoFixture, startGitHubApi, type GitHubApi } from '../../scripts/harness/github-api.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'

export interface E2eSetup {
  /** The local GitHub API, serving blacklake/demo. */
  readonly api: GitHubApi
  /** The open registry (E2E_REGISTRY). */
  readonly registry: string
  /** Everything scripts/e2e-env.sh wrote. */
  readonly env: E2eEnv
  /**
   * The action on a fresh copy of a fixture, publishing under an image prefix of its own (`e2e-<label>-…`, so no
   * run shares a repository): the run, the prefix, and the image of a target under it.
   */
  publishFresh(
    label: string,
    o: { fixture: string; context: EventContext; inputs?: Record<string, string> }
  ): Promise<{ result: RunResult; prefix: string; image: (target: string) => string }>
}

/** Registers the set-up's beforeAll and afterAll; the fields are there once the file's tests run. */
export function e2eSetup(api: Parameters<typeof startGitHubApi>[0] = {}): E2eSetup {
  const s = {
    async publishFresh(label, o) {
      const prefix = uniqueName(`e2e-${label}`)
      const result = await publish({
        workspace: await workspaceFrom(o.fixture),
        context: o.context,
        api: s.api,
        inputs: { 'image-prefix': prefix, ...o.inputs }
      })
      return { result, prefix, image: (target: string) => `${s.registry}/${prefix}/${target}` }
    }
  } as { api: GitHubApi; registry: string; env: E2eEnv } & Pick<E2eSetup, 'publishFresh'>
  beforeAll(async () => {
    s.env = await e2eEnv()
    s.registry = s.env.E2E_REGISTRY
    s.api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') }, ...api })
  })
  afterAll(async () => s.api?.close())
  return s
}

/** A failed run's output, as the message of a failing expectation; '' when the run succeeded. */
export const failureOutput = (r: RunResult): string =>
  r.main.exitCode === 0 ? '' : `${r.main.stdout}\n${r.main.stderr}`
