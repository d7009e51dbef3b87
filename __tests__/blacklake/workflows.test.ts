// Static checks of BlackLake's publishing workflows (.github/workflows): they parse, call the action only with
// inputs the root action.yml declares (read here, so a renamed input fails this test), ask for the least
// permissions, pin third-party actions by commit SHA, and keep untrusted values out of shell scripts.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import * as yaml from 'js-yaml'

const repo = path.resolve(import.meta.dirname, '../..')
const dir = path.join(repo, '.github/workflows')

type Step = {
  name?: string
  id?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
}
type Job = { permissions?: Record<string, string> | string; steps: Step[]; 'runs-on'?: string }
type Workflow = {
  name?: string
  on: Record<string, unknown>
  permissions?: Record<string, string> | string
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean } | string
  jobs: Record<string, Job>
}

const load = (file: string): Workflow => yaml.load(readFileSync(path.join(dir, file), 'utf8')) as Workflow
const action = yaml.load(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
}
const inputs = new Set(Object.keys(action.inputs))
const bakeNames = new Set(
  [
    ...readFileSync(path.join(repo, 'docker-bake.hcl'), 'utf8').matchAll(/^(?:target|group)\s+"([^"]+)"/gm)
  ].map(m => m[1])
)

// Exactly the permissions each workflow's jobs may hold (anything absent is `none`).
const ALLOWED: Record<string, Record<string, string>> = {
  'pr-preview.yml': { contents: 'read', packages: 'write', 'pull-requests': 'write', 'id-token': 'write' },
  'main.yml': { contents: 'read', packages: 'write', 'id-token': 'write' },
  'release.yml': { contents: 'read', packages: 'write', 'id-token': 'write' }
}

// self-test.yml tests the action itself on GitHub's runners (__tests__/ci/self-test-workflow.test.ts).
const files = readdirSync(dir).filter(f => /\.ya?ml$/.test(f) && f !== 'self-test.yml')

describe('workflows', () => {
  it('are exactly the three publishing workflows', () => {
    expect(files.sort()).toEqual(Object.keys(ALLOWED).sort())
  })

  it('run on the intended events', () => {
    expect(Object.keys(load('pr-preview.yml').on)).toEqual(['pull_request'])
    expect(load('main.yml').on.push).toEqual({ branches: ['main'] })
    expect(load('release.yml').on.push).toEqual({ tags: ['v*'] })
    for (const f of files) expect(Object.keys(load(f).on)).not.toContain('pull_request_target')
  })
})

describe.each(files)('%s', file => {
  const wf = load(file)
  const jobs = Object.entries(wf.jobs)
  const steps = jobs.flatMap(([, j]) => j.steps)

  it('grants nothing by default and only the allowed permissions per job', () => {
    expect(wf.permissions).toEqual({})
    for (const [, job] of jobs) {
      expect(typeof job.permissions).toBe('object')
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        expect({ scope, level }).toEqual({ scope, level: ALLOWED[file][scope] ?? 'none' })
      }
    }
  })

  it('has a concurrency group', () => {
    expect(typeof wf.concurrency).toBe('object')
    expect((wf.concurrency as { group: string }).group).toMatch(/\S/)
  })

  it('pins every third-party action by a full commit SHA', () => {
    for (const s of steps.filter(s => s.uses && !s.uses.startsWith('./'))) {
      expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/)
    }
    // The version is kept next to the SHA for people (and update tools).
    const text = readFileSync(path.join(dir, file), 'utf8')
    for (const m of text.matchAll(/uses: (?!\.\/)\S+@[0-9a-f]{40}(.*)$/gm)) expect(m[1]).toMatch(/^ # v\d+/)
  })

  it('checks out without persisting credentials, then runs the action itself once', () => {
    for (const [, job] of jobs) {
      const at = job.steps.findIndex(s => s.uses === './')
      expect(at).toBeGreaterThan(0)
      const checkout = job.steps.findIndex(s => s.uses?.startsWith('actions/checkout@'))
      expect(checkout).toBeGreaterThanOrEqual(0)
      expect(checkout).toBeLessThan(at)
      expect(job.steps[checkout].with?.['persist-credentials']).toBe(false)
      expect(job.steps.filter(s => s.uses === './')).toHaveLength(1)
    }
  })

  it('uses only inputs that action.yml declares, with valid values', () => {
    for (const s of steps.filter(s => s.uses === './')) {
      const w = (s.with ?? {}) as Record<string, string>
      for (const key of Object.keys(w))
        expect({ key, declared: inputs.has(key) }).toEqual({ key, declared: true })
      for (const t of String(w.targets ?? 'default')
        .split(/[\n,]/)
        .map(x => x.trim())
        .filter(Boolean)) {
        expect({ target: t, inBakeFile: bakeNames.has(t) }).toEqual({ target: t, inBakeFile: true })
      }
      if (w.push !== undefined) expect(['auto', 'true', 'false']).toContain(String(w.push))
      if (w.sbom !== undefined) expect(String(w.sbom)).toMatch(/^(true|false|generator=\S+)$/)
      if (w.provenance !== undefined)
        expect(['false', 'mode=min', 'mode=max']).toContain(String(w.provenance))
      if (w.cache !== undefined) expect(['gha', 'registry', 'local', 'none']).toContain(String(w.cache))
      // Expressions are only allowed in values GitHub evaluates, never as input names.
      expect(Object.keys(w).join(' ')).not.toContain('${{')
    }
  })

  it('passes GitHub expressions to scripts through env, never inline', () => {
    for (const s of steps.filter(s => s.run !== undefined)) expect(s.run).not.toContain('${{')
  })
})

describe('pr-preview.yml', () => {
  const steps = load('pr-preview.yml').jobs.preview.steps

  it('leaves the sticky comment to the action (no second comment step), with the permission it needs', () => {
    expect(steps.filter(s => s.run?.includes('comments'))).toEqual([])
    const publish = steps.find(s => s.uses === './')!
    expect(publish.with?.['pr-comment']).not.toBe('false')
    expect(load('pr-preview.yml').jobs.preview.permissions).toMatchObject({ 'pull-requests': 'write' })
  })
})
