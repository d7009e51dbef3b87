// The bake-file corpus (__tests__/fixtures/corpus) against the installed buildx: for every case, `bake --print
// --push` says what bake itself would push, and the three ways the action plans must agree with it — the CLI
// `plan` (Node on this machine), the `plan` sub-action (its matrix has no leg for a stage, its document no two
// targets on one reference) and a main-action dry run (its override file touches only the image targets) — or
// all three refuse before building with the case's message. Nothing is pushed here (corpus-push.test.ts pushes).
import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  annotations,
  imagesOutput,
  publish,
  pushContext,
  randomSha,
  REPO_ROOT,
  run,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { planJob } from '../../scripts/harness/multi-runner.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { parsePlanDocument, plannedTags } from '../../src/3-plan/document.js'
import {
  bakePushes,
  captured,
  corpusCases,
  expectSameAsBake,
  refusal,
  type CaseRun,
  type CorpusCase,
  type Planned
} from '../helpers/corpus.js'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

// The ground truth was captured with these values; a dry run pushes nothing, so no unique prefix is needed.
const REGISTRY = 'localhost:5000'
const PREFIX = 'acme'
const LOCAL = 'linux/amd64'
const VARS = ['REGISTRY', 'IMAGE_PREFIX', 'VERSION', 'TAG', 'ARCHS', 'SERVICES', 'BUILDX_BAKE_FILE']

let buildx = ''
beforeAll(async () => {
  buildx = (await run('docker', ['buildx', 'version'])).stdout
})

/** `docker buildx bake --print [--push]` in the workspace with the variables the action would set. */
async function bakePrint(ws: string, c: CorpusCase, push: boolean): Promise<string> {
  const env: Record<string, string> = {}
  for (const v of VARS) env[v] = ''
  if (c.registryGiven !== false) Object.assign(env, { REGISTRY, IMAGE_PREFIX: PREFIX })
  // An empty variable counts as set for bake: unset the ones the case does not give instead.
  const unset = VARS.filter(v => env[v] === '').flatMap(v => ['-u', v])
  const args = ['bake', '--progress=plain', '--print', ...(push ? ['--push'] : []), ...(c.targets ?? [])]
  const r = await run('env', [...unset, '-C', ws, 'docker', 'buildx', ...args], {
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  })
  if (r.code !== 0) throw new Error(`bake --print failed in ${ws}: ${r.stderr}`)
  return r.stdout
}

function inputsOf(c: CorpusCase, r: CaseRun): Record<string, string> {
  return {
    ...(c.targets ? { targets: c.targets.join(',') } : {}),
    ...(c.registryGiven === false ? { registry: '' } : { registry: REGISTRY, 'image-prefix': PREFIX }),
    ...(r.inputs ?? {})
  }
}

const fromImages = (images: Record<string, { image: string; platforms: string[] }>): Planned[] =>
  Object.entries(images).map(([target, i]) => ({ target, image: i.image, platforms: i.platforms }))

const show = (r: RunResult) => `${r.main.stdout}\n${r.main.stderr}`

interface Runs {
  pushes: ReturnType<typeof bakePushes>
  cli: { code: number; stdout: string; stderr: string }
  plan: Awaited<ReturnType<typeof planJob>>
  dry: RunResult
}

const cases = corpusCases().flatMap(c => c.runs.map((r, i) => [`${c.name} (run ${i + 1})`, c, r] as const))

describe.each(cases)('%s', (_label, c, r) => {
  let runs: Runs
  const inputs = inputsOf(c, r)
  const expected = refusal(r, '0.29')

  beforeAll(async () => {
    const ws = await workspaceFrom(c.dir)
    const printed = await bakePrint(ws, c, false)
    if (/buildx v?0\.29\./.test(buildx)) {
      // The unit tests plan from the captured print: it is still what this buildx prints.
      expect(JSON.parse(printed)).toEqual(JSON.parse(captured(c, 'print', '0.29')))
    }
    const pushes = bakePushes(await bakePrint(ws, c, true))
    const context = pushContext('refs/tags/v1.2.3')
    const flags = Object.entries({ ...inputs, driver: 'docker', cache: 'none' }).flatMap(([k, v]) =>
      v === '' ? [] : v.split('\n').flatMap(line => [`--${k}`, line])
    )
    const cli = await run(
      'node',
      [
        path.join(process.env.E2E_ACTION_DIR || REPO_ROOT, 'dist/cli.js'),
        'plan',
        '--ref',
        'refs/tags/v1.2.3',
        '--sha',
        randomSha(),
        '--workdir',
        ws,
        '--json',
        ...flags
      ],
      { env: { GITHUB_REPOSITORY: 'blacklake/demo', GITHUB_API_URL: e2e.api.url } }
    )
    const plan = await planJob({ workspace: ws, context, inputs, env: { GITHUB_API_URL: e2e.api.url } })
    const dry = await publish({
      workspace: ws,
      context,
      api: e2e.api,
      post: false,
      inputs: { ...inputs, 'dry-run': 'true' }
    })
    runs = { pushes, cli, plan, dry }
  })

  if (expected) {
    it('the CLI, the plan sub-action and a dry run all refuse before building, naming cause and fix', () => {
      const pattern = new RegExp(expected, 's')
      expect(runs.cli.code).toBe(1)
      expect(`${runs.cli.stdout}\n${runs.cli.stderr}`).toMatch(pattern)
      for (const result of [runs.plan.result, runs.dry]) {
        expect(result.main.exitCode).not.toBe(0)
        expect(annotations(result, 'error').join('\n')).toMatch(pattern)
        expect(show(result)).not.toMatch(/Buildx, QEMU and builder|Override file/)
      }
    })
    return
  }

  const compare = (planned: Planned[]) =>
    expectSameAsBake(planned, runs.pushes, {
      registry: REGISTRY,
      prefix: PREFIX,
      images: Object.fromEntries(
        (r.inputs?.images ?? '')
          .split('\n')
          .filter(Boolean)
          .map(l => (l.includes('=') ? l.split('=') : ['*', l]))
      ),
      platforms: (r.inputs?.platforms ?? '').split(',').filter(Boolean),
      local: LOCAL
    })

  it('the CLI plan equals what bake would push', () => {
    expect([runs.cli.code, runs.cli.stderr]).toEqual([0, expect.anything()])
    // The CLI's result (--json): every target, those with no image marked skipped.
    const { targets } = JSON.parse(runs.cli.stdout) as { targets: (Planned & { status: string })[] }
    compare(
      targets
        .filter(t => t.status !== 'skipped')
        .map(({ target, image, platforms }) => ({ target, image, platforms }))
    )
  })

  it('the plan sub-action: the same images, one leg per image × platform, none for a stage', () => {
    const result = runs.plan.result
    expect([result.main.exitCode, result.main.exitCode ? show(result) : '']).toEqual([0, ''])
    const doc = parsePlanDocument(result.main.outputs.plan)
    compare(doc.images.map(({ target, image, platforms }) => ({ target, image, platforms })))
    const refs = doc.images.flatMap(i => plannedTags(doc, i).map(t => `${i.image}:${t}`))
    expect(new Set(refs).size).toBe(refs.length)
    const legs = runs.plan.matrix.include.map(e => `${e.target} ${e.platform}`).sort()
    expect(legs).toEqual(doc.images.flatMap(i => i.platforms.map(p => `${i.target} ${p}`)).sort())
  })

  it('a dry run: the same images, and an override file for those targets only', () => {
    expect([runs.dry.main.exitCode, runs.dry.main.exitCode ? show(runs.dry) : '']).toEqual([0, ''])
    const planned = fromImages(imagesOutput(runs.dry))
    compare(planned)
    const override = JSON.parse(readFileSync(runs.dry.main.outputs['bake-file'], 'utf8')) as {
      target: Record<string, { platforms: string[] }>
    }
    expect(Object.keys(override.target).sort()).toEqual(planned.map(p => p.target).sort())
    for (const p of planned) expect(override.target[p.target].platforms).toEqual(p.platforms)
  })
})
