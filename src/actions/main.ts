// The main action, as named phases: context and tags → definition, secret guard and per-target plan → QEMU and
// builder → override file (a dry run stops here) → login and cache → tag policy → build → push by digest →
// tagging and verification → metrics, PR comment, report. `cleanup()` is the post step: remove what main created,
// log out, save the local cache; it warns and never fails.
import * as core from '@actions/core'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { printDefinition, withFile, type BakeInvocation } from '../3-plan/definition.js'
import { overrideFile, type TargetPlan } from '../3-plan/targets.js'
import { runBake, type BakeRunResult } from '../5-build/bake-run.js'
import { bakeInvocation, planBuild } from '../3-plan/plan.js'
import { runBakeCall } from '../5-build/bake-call.js'
import { loadImages } from '../5-build/bake-load.js'
import { inspectBuilder, removeBuilder, setupBuilder } from '../4-setup/builder.js'
import { checkBuildx } from '../4-setup/buildx.js'
import { assertFinalDefinition } from '../3-plan/secret-guard.js'
import { rotateLocalCache } from '../3-plan/cache.js'
import { contextFromWorkflow, fetchRepo, type RepoInfo, type RunContext } from '../1-context/context.js'
import { getInputs, type Inputs } from '../1-context/inputs.js'
import { restoreLocalCache, saveLocalCache, type LocalCacheState } from '../4-setup/local-cache.js'
import { decidePush } from '../1-context/push-decision.js'
import {
  plannedTargets,
  pushLayouts,
  recordBuild,
  recordDigests,
  tagAll,
  type PublishHooks
} from '../7-publish/publish.js'
import { setupQemu } from '../4-setup/qemu.js'
import { removeLayouts } from '../7-publish/layout-push.js'
import { login, logout, resolveCredentials } from '../6-registry/docker-login.js'
import { dockerConfigResolver, resolveAll } from '../6-registry/credentials.js'
import { RegistryClient } from '../6-registry/client.js'
import { releaseHooks } from '../7-publish/release-hooks.js'
import { signTargets } from '../7-publish/sign/sign-images.js'
import { actionSink, emptyReport, writeReport, type ReportSink, type RunReport } from '../8-report/summary.js'
import { actionState, State, type StateStore } from '../lib/state.js'
import { resolveMeta } from '../2-tags/action-tags.js'
import type { MetaResult } from '../2-tags/index.js'

export interface RunOptions {
  inputs?: Inputs
  context?: RunContext
  state?: StateStore
  sink?: ReportSink
  hooks?: PublishHooks
}

/** What the phases share. */
interface Session {
  inputs: Inputs
  ctx: RunContext
  state: StateStore
  hooks: PublishHooks
  report: RunReport
  /** Temp directory of this run (override file, metadata file). */
  dir: string
  repo?: RepoInfo
  meta?: MetaResult
  invocation?: BakeInvocation
  plans: TargetPlan[]
  builder?: string
  build?: BakeRunResult
  client?: RegistryClient
}

const group = <T>(name: string, fn: () => Promise<T>): Promise<T> => core.group(name, fn)

function localCacheRoot(): string {
  return process.env.RUNNER_TEMP
    ? path.join(process.env.RUNNER_TEMP, 'multiarch-cache')
    : path.join(os.tmpdir(), 'multiarch-action-cache')
}

/** Phase: repository info, version and tags, and whether this run pushes. */
async function contextPhase(s: Session): Promise<void> {
  s.repo = await fetchRepo(s.ctx, s.inputs.githubToken, m => core.warning(m))
  s.meta = resolveMeta(s.inputs, s.ctx, s.repo)
  core.info(`Event ${s.ctx.eventName} on ${s.ctx.ref || '(no ref)'} at ${s.ctx.sha || '(no sha)'}`)
  core.info(`Version: ${s.meta.version || '(none)'}; tags: ${s.meta.tagNames.join(', ') || '(none)'}`)
  s.report.version = s.meta.version
  s.report.push = decidePush(s.inputs.push, s.ctx)
  if (s.inputs.dryRun) {
    core.info(
      `dry-run: planning as a run that would ${s.report.push.push ? '' : 'not '}push (${s.report.push.reason})`
    )
  } else if (!s.report.push.push) {
    const why =
      `Not pushing: ${s.report.push.reason}. ` +
      'Attestations (SBOM, provenance) are off: a build-only run has no image to attach them to.'
    core.notice(why)
    s.report.notes.push(why)
  }
}

/** Phase: `bake --print` with REGISTRY/IMAGE_PREFIX/VERSION, then the per-target plan (src/build-plan.ts). */
async function planPhase(s: Session): Promise<void> {
  // First: an unsupported buildx would otherwise fail inside `bake --print` with a less clear message.
  await checkBuildx()
  const plan = await planBuild({
    inputs: s.inputs,
    ctx: s.ctx,
    repo: s.repo,
    meta: s.meta as MetaResult,
    push: s.report.push,
    localCacheDir: localCacheRoot(),
    layoutRoot: layoutRoot(s),
    // The docker driver cannot push by digest: the driver is known before any output is planned.
    driver: s.inputs.builder ? (await inspectBuilder(s.inputs.builder)).driver : s.inputs.driver
  })
  s.invocation = plan.invocation
  s.plans = plan.plans
  s.report.notes.push(...plan.notes)
  s.report.targets = plannedTargets(s.plans, s.report.push, s.inputs.dryRun)
}

/** Phase: QEMU handlers for the platforms, and the builder (nothing installed in a dry run). */
async function builderPhase(s: Session): Promise<void> {
  const platforms = [...new Set(s.plans.flatMap(p => p.platforms))]
  if (s.inputs.dryRun) {
    core.info(`dry-run: no QEMU install and no builder; platforms needed: ${platforms.join(', ')}`)
    s.builder = s.inputs.builder || undefined
    return
  }
  await setupQemu(s.inputs.qemu, platforms, s.inputs.qemuImage)
  try {
    const info = await setupBuilder({
      ...s.inputs,
      runId: s.ctx.runId,
      tempDir: s.dir,
      ghaCache: s.inputs.cache === 'gha'
    })
    if (info.created) s.state.save(State.CreatedBuilder, info.name)
    const unsupported = platforms.filter(p => info.platforms.length && !info.platforms.includes(p))
    if (unsupported.length) {
      core.warning(
        `Builder '${info.name}' does not list ${unsupported.join(', ')} (it lists ${info.platforms.join(', ')})`
      )
    }
    s.builder = info.name
  } catch (e) {
    const created = (e as { createdBuilder?: string }).createdBuilder
    if (created) s.state.save(State.CreatedBuilder, created)
    throw e
  }
}

/** Phase: the override file; a dry run prints the final definition with it and stops. */
async function overridePhase(s: Session): Promise<void> {
  const invocation = { ...(s.invocation as BakeInvocation), builder: s.builder }
  s.invocation = invocation
  s.report.bakeFile = path.join(s.dir, 'multiarch-override.json')
  await writeFile(s.report.bakeFile, JSON.stringify(overrideFile(s.plans), null, 2) + '\n')
  // `set` lines apply over the override file: the secret guard again, on what the build will really run.
  if (!s.inputs.set.length && !s.inputs.dryRun) return
  const final = await printDefinition(withFile(invocation, s.report.bakeFile))
  assertFinalDefinition(final.definition, { allow: s.inputs.allowSecretBuildArgs })
  if (!s.inputs.dryRun) return
  core.info(final.json)
  core.info('dry-run: nothing was built or pushed.')
}

/** Phase (call input other than build): the builder, then bake evaluates the targets; nothing is built. */
async function callPhase(s: Session): Promise<void> {
  s.invocation = (await printDefinition(bakeInvocation(s.inputs, s.ctx, s.meta?.version ?? ''))).invocation
  await builderPhase(s)
  await runBakeCall({ ...s.invocation, builder: s.builder }, s.inputs.call)
}

/** Phase: registry login (state records it for the post step's logout) and the local cache restore. */
async function loginPhase(s: Session): Promise<void> {
  const { inputs } = s
  const creds = resolveCredentials(inputs.registry, inputs.username, inputs.password, {
    actor: s.ctx.actor,
    token: inputs.githubToken
  })
  const loggedIn = creds ? await login(creds) : false
  if (loggedIn) s.state.save(State.LoggedInRegistries, JSON.stringify([creds?.registry]))
  if (!creds)
    core.info(`No login to ${inputs.registry}: no password given; using the docker config's credentials`)
  // The inputs' credentials for their registry (unless an earlier step's login of it was kept), then what earlier
  // login steps left in the docker config, as buildx sees it; each sent only to the registry it belongs to.
  const given =
    creds && (loggedIn || !creds.defaulted)
      ? { [creds.registry]: { username: creds.username, password: creds.password } }
      : {}
  const resolver = dockerConfigResolver({ given })
  s.client = new RegistryClient({ credentials: resolver })
  // Every registry the plan pushes to, now: a broken credential helper fails here, before anything is built.
  await resolveAll(
    resolver,
    s.plans.filter(p => p.producesImage).map(p => p.image)
  )
  if (inputs.cache === 'local') {
    const local: LocalCacheState = await restoreLocalCache(localCacheRoot(), inputs.cacheScope, s.ctx.sha)
    s.state.save(State.LocalCache, JSON.stringify(local))
  }
}

/** Where bake writes the OCI layouts (docker driver): one directory per target, all removed after the push. */
const layoutRoot = (s: Session): string => path.join(s.dir, 'oci')

/** Phase: the build (push by digest, or OCI layouts for the docker driver); no tag moves. */
async function buildPhase(s: Session): Promise<void> {
  const layouts = s.plans.some(p => p.layoutDir) ? [layoutRoot(s)] : []
  if (layouts.length) s.state.save(State.LayoutDirs, JSON.stringify(layouts))
  s.build = await runBake(
    s.invocation as BakeInvocation,
    s.report.bakeFile,
    path.join(s.dir, 'metadata.json')
  )
  s.report.metadataJson = s.build.metadataJson
  const layoutTargets = new Set(s.plans.filter(p => p.layoutDir).map(p => p.target))
  recordBuild(s.report.targets, s.build, s.report.push.push, s.report.push.reason, layoutTargets)
  if (s.inputs.cache === 'local') await rotateLocalCache(localCacheRoot())
  if (!s.build.ok) {
    await removeLayouts(layouts)
    throw new Error(s.build.error)
  }
  if (s.inputs.load && s.report.push.push) await loadImages(s.invocation as BakeInvocation, s.plans, s.dir)
}

/** The release policies (issue 5) wired onto the publish hooks. */
function defaultHooks(s: Session): PublishHooks {
  const flavor = () => s.meta?.flavor
  return releaseHooks({
    inputs: s.inputs,
    ctx: s.ctx,
    get version() {
      return s.meta?.version ?? ''
    },
    get flavor() {
      return { prefix: flavor()?.prefix ?? '', suffix: flavor()?.suffix ?? '' }
    },
    get attestations() {
      return s.report.push.push && (s.inputs.sbom.enabled || s.inputs.provenance.enabled)
    },
    client: () => s.client
  })
}

/** Runs the action; returns the report (outputs and summary are already written, also on failure). */
export async function run(o: RunOptions = {}): Promise<RunReport> {
  const state = o.state ?? actionState
  const sink = o.sink ?? actionSink
  state.save(State.IsPost, 'true')
  const report = emptyReport()
  let s: Session | undefined
  try {
    const inputs = o.inputs ?? getInputs()
    report.dryRun = inputs.dryRun
    report.digestOnly = inputs.digestOnly
    const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'multiarch-'))
    s = {
      inputs,
      ctx: o.context ?? contextFromWorkflow(),
      state,
      hooks: o.hooks ?? {},
      report,
      dir,
      plans: []
    }
    const session = s
    if (!o.hooks) session.hooks = defaultHooks(session)
    await group('Context and tags', () => contextPhase(session))
    if (inputs.call !== 'build') {
      await group(`bake --call ${inputs.call}`, () => callPhase(session))
      return report
    }
    await group('Bake definition and plan', () => planPhase(session))
    await group('Buildx, QEMU and builder', () => builderPhase(session))
    await group(inputs.dryRun ? 'Final bake definition (dry run)' : 'Override file', () =>
      overridePhase(session)
    )
    if (inputs.dryRun) return report
    await group('Registry login and cache', () => loginPhase(session))
    // Seam: checks that need the plan and the registry login (secret guard, immutable tags) stop here.
    await session.hooks.beforeBuild?.(session.plans, report)
    await group(`Build ${session.plans.map(p => p.target).join(', ')}`, () => buildPhase(session))
    const client = session.client as RegistryClient
    if (session.plans.some(p => p.layoutDir)) {
      await group('Push by digest', async () => {
        try {
          await pushLayouts(client, report.targets, session.plans)
        } finally {
          await removeLayouts([layoutRoot(session)])
        }
      })
    }
    if (report.push.push && inputs.digestOnly) {
      await group('Digests (no tags)', () => recordDigests(client, report.targets))
      core.info('digest-only: pushed by digest, not tagged; see the digests output.')
    } else if (report.push.push) {
      // Signing: after the push by digest, before any tag moves (a failure leaves every tag where it was).
      await signTargets(client, report.targets, {
        inputs: inputs.signing,
        ctx: session.ctx,
        push: true,
        githubToken: inputs.githubToken
      })
      await group('Tagging and verification', () => tagAll(client, report.targets, report, session.hooks))
    } else {
      core.info(`Tagging skipped: ${report.push.reason}`)
    }
    return report
  } catch (e) {
    report.error = (e as Error).message
    core.setFailed(report.error)
    return report
  } finally {
    try {
      await s?.hooks.afterPublish?.(report, s.build)
    } catch (e) {
      core.warning(`After-publish step failed: ${(e as Error).message}`)
    }
    await writeReport(report, sink)
  }
}

/** The post step: undo what main did, each part on its own. Never fails the job. */
export async function cleanup(state: StateStore = actionState): Promise<void> {
  const list = (key: State): string[] => {
    const raw = state.get(key)
    return raw ? (JSON.parse(raw) as string[]) : []
  }
  const steps: [string, () => Promise<void>][] = [
    [
      'save the local cache',
      async () => {
        const raw = state.get(State.LocalCache)
        if (raw) await saveLocalCache(JSON.parse(raw) as LocalCacheState)
      }
    ],
    [
      'remove the builder',
      async () => {
        const name = state.get(State.CreatedBuilder)
        if (name) await removeBuilder(name)
        else core.info('No builder to remove: this run did not create one')
      }
    ],
    [
      'remove the OCI layouts',
      async () => {
        const failed = await removeLayouts(list(State.LayoutDirs))
        if (failed.length) throw new Error(failed.join(', '))
      }
    ],
    [
      'log out',
      async () => {
        const registries = list(State.LoggedInRegistries)
        if (!registries.length) core.info('No registry to log out of: this run did not log in')
        for (const registry of registries) await logout(registry)
      }
    ]
  ]
  for (const [name, step] of steps) {
    try {
      await step()
    } catch (e) {
      core.warning(`Post step could not ${name}: ${(e as Error).message}`)
    }
  }
}
