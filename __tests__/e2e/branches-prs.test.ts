// Branch pushes, pull requests and dry-run on the real engine (fixture __tests__/e2e/fixtures/basic, one
// platform: emulation is proven by the release scenario). Every run publishes under its own image prefix.
import { describe, expect, it } from '@jest/globals'
import { existsSync, rmSync } from 'node:fs'
import {
  type EventContext,
  PWNED_MARKER,
  annotations,
  describeImage,
  imagesOutput,
  pullRequestContext,
  pushContext,
  registryTags
} from '../../scripts/harness/e2e.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

const TARGETS = ['api', 'worker']

async function scenario(label: string, context: EventContext, inputs: Record<string, string> = {}) {
  const { result, image } = await e2e.publishFresh(label, {
    fixture: 'basic',
    context,
    inputs: { platforms: 'linux/amd64', ...inputs }
  })
  if (result.main.exitCode !== 0) console.log(result.main.stdout, result.main.stderr)
  return { result, image, context }
}

const sha7 = (ctx: EventContext) => `sha-${ctx.sha.slice(0, 7)}`

function expectPushedOutputs(result: RunResult, pushed: boolean) {
  expect(result.main.outputs.pushed).toBe(String(pushed))
  const images = imagesOutput(result)
  expect(Object.keys(images).sort()).toEqual(TARGETS)
  for (const t of TARGETS) expect(images[t].pushed).toBe(pushed)
}

describe('branch pushes', () => {
  it('main -> main and sha-<7>, nothing else', async () => {
    const s = await scenario('main', pushContext('refs/heads/main'))
    expect(s.result.main.exitCode).toBe(0)
    expectPushedOutputs(s.result, true)
    for (const t of TARGETS) {
      expect(await registryTags(s.image(t))).toEqual(['main', sha7(s.context)].sort())
      const d = await describeImage(s.image(t), 'main')
      expect(d?.platforms.map(p => p.platform)).toEqual(['linux/amd64'])
      expect(imagesOutput(s.result)[t].digest).toBe(d?.digest)
    }
  })

  it('feature/login -> the sanitised feature-login and sha-<7>', async () => {
    const s = await scenario('feature', pushContext('refs/heads/feature/login'))
    expect(s.result.main.exitCode).toBe(0)
    expectPushedOutputs(s.result, true)
    for (const t of TARGETS)
      expect(await registryTags(s.image(t))).toEqual(['feature-login', sha7(s.context)].sort())
  })
})

describe('pull requests', () => {
  it('same repository: pr-<N> is pushed, no branch or release tag; the title is only data', async () => {
    rmSync(PWNED_MARKER, { force: true })
    const s = await scenario(
      'pr',
      pullRequestContext(42, { headRef: `feature/$(touch\${IFS}${PWNED_MARKER})` })
    )
    expect(existsSync(PWNED_MARKER)).toBe(false)
    expect(s.result.main.exitCode).toBe(0)
    expectPushedOutputs(s.result, true)
    for (const t of TARGETS) {
      const tags = await registryTags(s.image(t))
      expect(tags).toContain('pr-42')
      expect(tags).not.toContain('latest')
      expect(tags).not.toContain('main')
      expect(tags.filter(tag => !tag.startsWith('pr-42') && !tag.startsWith('sha-'))).toEqual([])
    }
  })

  it('from a fork: built, nothing pushed, a notice says why', async () => {
    const s = await scenario('fork', pullRequestContext(43, { fork: true, headRef: 'patch-1' }))
    expect(s.result.main.exitCode).toBe(0)
    expectPushedOutputs(s.result, false)
    for (const t of TARGETS) expect(await registryTags(s.image(t))).toEqual([])
    const notices = annotations(s.result, 'notice').join('\n')
    expect(notices).toMatch(/fork/i)
    // Built: the metadata output holds a build result for every target.
    const metadata = JSON.parse(s.result.main.outputs.metadata || '{}') as Record<string, unknown>
    for (const t of TARGETS) expect(metadata[t]).toBeDefined()
  })
})

describe('dry-run', () => {
  it('pushes nothing and still reports the plan', async () => {
    const s = await scenario('dry', pushContext('refs/tags/v3.1.4'), { 'dry-run': 'true' })
    expect(s.result.main.exitCode).toBe(0)
    for (const t of TARGETS) expect(await registryTags(s.image(t))).toEqual([])
    expect(s.result.main.outputs.pushed).toBe('false')
    expect(s.result.main.outputs.version).toMatch(/^v?3\.1\.4$/)
    // The plan names the images and tags it would have pushed.
    expect(s.result.main.stdout).toContain(`${s.image('api')}:v3.1.4`)
  })
})
