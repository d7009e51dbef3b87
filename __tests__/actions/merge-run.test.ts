// The merge's decisions that come before any registry call: nothing to merge for a non-publishing event, and a
// missing leg digest fails the step with outputs and summary still written (no engine or registry involved);
// the PR comment decisions of those runs, against the local GitHub API.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../scripts/harness/github-api.mjs'
import { run } from '../../src/actions/merge/run.js'
import type { PlanDocument } from '../../src/3-plan/document.js'
import { planDocument } from '../helpers/plan-fixture.js'
import { loadContext } from '../2-tags/helpers.js'

const plan: PlanDocument = planDocument()
const A = `sha256:${'a'.repeat(64)}`

function sink() {
  const out: Record<string, string> = {}
  let summary = ''
  return {
    out,
    summary: () => summary,
    sink: {
      output: (name: string, value: string) => void (out[name] = value),
      summary: async (md: string) => void (summary = md)
    }
  }
}
const inputs = (p: PlanDocument, digests: string) => ({
  plan: p,
  digests,
  username: '',
  password: '',
  githubToken: '',
  overwrite: false,
  attestations: true,
  builder: '',
  prComment: true,
  signing: { sign: 'auto' as const, signingKey: '', sigstoreConfig: '', githubAttestations: false }
})

describe('merge run', () => {
  it('a plan that does not publish merges nothing and says why', async () => {
    const s = sink()
    const report = await run({
      inputs: inputs({ ...plan, push: false, pushReason: 'pull request from a fork' }, ''),
      sink: s.sink
    })
    expect(report.error).toBeUndefined()
    expect(s.out.pushed).toBe('false')
    expect(s.summary()).toContain('pull request from a fork')
  })

  it('a missing platform digest fails before any registry call; outputs and summary say so', async () => {
    const s = sink()
    const digests = JSON.stringify({ target: 'api', platform: 'linux/amd64', digest: A })
    const report = await run({ inputs: inputs(plan, digests), sink: s.sink })
    expect(report.error).toContain('api linux/arm64: no digest')
    expect(report.targets[0]).toMatchObject({ status: 'not-built', tags: [], pushed: false })
    expect(s.out).toMatchObject({ pushed: 'false', tags: '', version: 'v1.2.3' })
    expect(JSON.parse(s.out.images).api).toMatchObject({ digest: null, pushed: false })
    expect(s.summary()).toContain('## Multi-arch merge')
    expect(s.summary()).toContain('no tag moved')
    process.exitCode = 0 // core.setFailed set it; the test itself passed
  })
})

describe('merge run: the PR comment', () => {
  let api: GitHubApi
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const logged = () => stdout.mock.calls.map(c => String(c[0])).join('')
  beforeEach(async () => {
    stdout.mockClear()
    api = await startGitHubApi()
  })
  afterEach(async () => api.close())
  const pullRequest = () => loadContext('pull_request', { GITHUB_API_URL: api.url })
  const fork = () => {
    const ctx = pullRequest()
    ctx.payload.pull_request.head.repo = { full_name: 'someone-else/Hello-World', fork: true }
    return ctx
  }
  const forkPlan = { ...plan, push: false, pushReason: 'pull request from a fork: built only, never pushed' }

  it('a fork PR: no API call, a notice and a summary note', async () => {
    const s = sink()
    await run({ inputs: inputs(forkPlan, ''), sink: s.sink, context: fork() })
    expect(api.calls).toEqual([])
    expect(logged()).toMatch(/::notice::pull request from a fork/)
    expect(s.summary()).toMatch(/No PR comment: pull request from a fork/)
  })

  it('pr-comment: false says nothing about a comment', async () => {
    const s = sink()
    await run({ inputs: { ...inputs(forkPlan, ''), prComment: false }, sink: s.sink, context: fork() })
    expect(api.calls).toEqual([])
    expect(s.summary()).not.toMatch(/PR comment/)
  })

  it('a same-repository PR whose merge failed: nothing pushed, no comment', async () => {
    const s = sink()
    const digests = JSON.stringify({ target: 'api', platform: 'linux/amd64', digest: A })
    const report = await run({ inputs: inputs(plan, digests), sink: s.sink, context: pullRequest() })
    expect(report.error).toContain('no digest')
    expect(api.calls).toEqual([])
    expect(s.summary()).not.toMatch(/PR comment/)
    process.exitCode = 0
  })
})
