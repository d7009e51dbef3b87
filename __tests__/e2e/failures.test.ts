// Failure paths on the real engine: each fails the step with a clear message, and the outputs say what was and
// wasn't pushed, consistently with what the registry holds.
import { describe, expect, it } from '@jest/globals'
import {
  type EventContext,
  annotations,
  imagesOutput,
  pushContext,
  registryTags
} from '../../scripts/harness/e2e.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

function scenario(
  label: string,
  inputs: Record<string, string>,
  context: EventContext = pushContext('refs/heads/main')
) {
  return e2e.publishFresh(label, {
    fixture: 'basic',
    context,
    inputs: { platforms: 'linux/amd64', ...inputs }
  })
}

function errorText(result: RunResult): string {
  return annotations(result, 'error').join('\n')
}

function expectFailed(result: RunResult) {
  if (result.main.exitCode === 0) console.log(result.main.stdout, result.main.stderr)
  expect(result.main.exitCode).not.toBe(0)
  expect(annotations(result, 'error').length).toBeGreaterThan(0)
  expect(result.main.outputs.pushed).toBe('false')
}

describe('failure paths', () => {
  it('registry down: fails naming the registry; outputs say nothing was pushed', async () => {
    const down = '127.0.0.1:5999' // nothing listens here
    const s = await scenario('down', { registry: down })
    expectFailed(s.result)
    expect(errorText(s.result)).toContain(down)
    expect(errorText(s.result)).toMatch(/connection refused|connect|unreachable|push/i)
    for (const out of Object.values(imagesOutput(s.result))) expect(out.pushed).toBe(false)
  })

  it('unknown target: fails naming it, before building anything', async () => {
    const s = await scenario('unknown', { targets: 'api,no-such-target' })
    expectFailed(s.result)
    expect(errorText(s.result)).toContain('no-such-target')
    for (const t of ['api', 'no-such-target']) expect(await registryTags(s.image(t))).toEqual([])
  })

  it('syntax error in the bake file: fails naming the file and the position', async () => {
    const s = await scenario('syntax', { files: 'broken.hcl', targets: 'api' })
    expectFailed(s.result)
    expect(errorText(s.result)).toContain('broken.hcl')
    expect(errorText(s.result)).toMatch(/broken\.hcl:\d+/)
    expect(await registryTags(s.image('api'))).toEqual([])
  })

  it('a step failing on linux/arm64 only: fails naming target, platform and step; outputs match the registry', async () => {
    const s = await scenario('platform', { files: 'platform-fail.hcl', platforms: '' })
    expectFailed(s.result)
    const errors = errorText(s.result)
    expect(errors).toContain('bad')
    expect(errors).toMatch(/linux\/arm64/)
    expect(errors).toMatch(/uname -m|exit code: 3|did not complete successfully/)
    // Nothing of the failing target is tagged.
    expect(await registryTags(s.image('bad'))).toEqual([])
    // Whatever the outputs claim for each target, the registry agrees.
    const images = imagesOutput(s.result)
    expect(images.bad?.pushed).toBe(false)
    for (const [target, out] of Object.entries(images)) {
      const tags = await registryTags(s.image(target))
      if (out.pushed) expect(tags.length).toBeGreaterThan(0)
      else expect(tags).toEqual([])
    }
  })
})
