// The three-job multi-runner workflow (plan → build matrix → merge) run as GitHub would run it, one job after
// the other on this machine: the plan sub-action, one run of the main action per matrix leg with
// `digest-only: true` (every leg here builds on this amd64 machine; arm64 under QEMU stands in for the native
// runner), each leg's `digests` output written to its own file as the upload-artifact step would, then the
// merge sub-action reading that directory. Each job has its workflow's job id (GITHUB_JOB plan, build, merge),
// which keys the sticky PR comment. Used by the e2e scenario and the critical-path benchmark.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { e2eEnv, publish, REPO_ROOT, REPOSITORY } from './e2e.mjs'
import { runAction } from './runner.mjs'

const actionDir = () => process.env.E2E_ACTION_DIR || REPO_ROOT

/** One run of a sub-action (`plan`, `merge`) in the job's workspace and event. */
function subAction(name, { workspace, context, env }, inputs) {
  return runAction({
    action: path.join(actionDir(), name),
    workspace,
    eventName: context.eventName,
    payload: context.payload,
    env: { GITHUB_REPOSITORY: REPOSITORY, ...context.env, ...env },
    inputs
  })
}

/** The plan job. */
export async function planJob({ workspace, context, inputs = {}, env = {} }) {
  const e = await e2eEnv()
  const started = Date.now()
  const result = await subAction(
    'plan',
    { workspace, context, env: { GITHUB_JOB: 'plan', ...env } },
    { registry: e.E2E_REGISTRY, ...inputs }
  )
  const ms = Date.now() - started
  if (result.main.exitCode !== 0) return { result, ms, matrix: { include: [] } }
  return { result, ms, matrix: JSON.parse(result.main.outputs.matrix) }
}

/**
 * One build leg: the main action for one target and one platform, by digest, with the plan's labels and
 * annotations; its digests (or, before the digests output existed, images) output written to `dir/<slug>.json`.
 */
export async function buildLeg({ workspace, context, leg, plan, dir, inputs = {}, env = {} }) {
  const started = Date.now()
  const result = await publish({
    workspace,
    context,
    env: { GITHUB_JOB: 'build', ...env },
    inputs: {
      ...inputs,
      targets: leg.target,
      platforms: leg.platform,
      images: `${leg.target}=${leg.image}`,
      'digest-only': 'true',
      labels: plan.main.outputs.labels,
      annotations: plan.main.outputs.annotations
    }
  })
  const ms = Date.now() - started
  const out = result.main.outputs
  if (result.main.exitCode === 0) {
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, `${leg.slug}.json`), out.digests || out.images)
  }
  return { result, ms }
}

/** The merge job. */
export async function mergeJob({ workspace, context, plan, digests, inputs = {}, env = {} }) {
  const started = Date.now()
  const result = await subAction(
    'merge',
    { workspace, context, env: { GITHUB_JOB: 'merge', ...env } },
    { plan: plan.main.outputs.plan, digests, ...inputs }
  )
  return { result, ms: Date.now() - started }
}

/** plan → every leg (or those `only` keeps) → merge; timings per job. */
export async function multiRunner({
  workspace,
  context,
  inputs = {},
  mergeInputs = {},
  only = () => true,
  env = {}
}) {
  // The legs get the same main-action inputs as plan (the workflow passes both the same values).
  const { runners: _runners, ...legInputs } = inputs
  const plan = await planJob({ workspace, context, inputs, env })
  if (plan.result.main.exitCode !== 0) throw new Error(`plan failed: ${plan.result.main.stdout}`)
  const dir = await mkdtemp(path.join(tmpdir(), 'digests-'))
  const legs = []
  for (const leg of plan.matrix.include.filter(only)) {
    legs.push({
      leg,
      ...(await buildLeg({ workspace, context, leg, plan: plan.result, dir, env, inputs: legInputs }))
    })
  }
  const merge = await mergeJob({
    workspace,
    context,
    plan: plan.result,
    digests: dir,
    env,
    inputs: mergeInputs
  })
  return { plan, legs, merge, dir }
}
