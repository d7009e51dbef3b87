// The merge's decisions that come before any registry call: nothing to merge for a non-publishing event, and a
// missing leg digest fails the step with outputs and summary still written (no engine or registry involved).
import { describe, expect, it } from '@jest/globals'
import { run } from '../../src/merge/run.js'
import { PLAN_SCHEMA, type PlanDocument } from '../../src/plan/document.js'

const plan: PlanDocument = {
  schema: PLAN_SCHEMA,
  version: 'v1.2.3',
  tags: ['v1.2.3', 'latest'],
  labels: [],
  annotations: [],
  annotationLevels: ['manifest'],
  flavor: { prefix: '', suffix: '' },
  monotonic: true,
  push: true,
  pushReason: 'push event',
  images: [{ target: 'api', image: 'localhost:5000/acme/api', platforms: ['linux/amd64', 'linux/arm64'] }]
}
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
  builder: ''
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
