// The main action's phases (main.ts runs them in order): each takes what it needs and returns what it produces.
import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fetchRepo, type RepoInfo, type RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import { decidePush } from '../1-context/push-decision.js'
import { resolveMeta } from '../2-tags/action-tags.js'
import type { MetaResult } from '../2-tags/index.js'
import { localCacheRoot, rotateLocalCache } from '../3-plan/cache.js'
import { printDefinition, withFile, type BakeInvocation } from '../3-plan/definition.js'
import { bakeInvocation, planBuild, type BuildPlan } from '../3-plan/plan.js'
import { assertFinalDefinition } from '../3-plan/secret-guard.js'
import { overrideFile, type TargetPlan } from '../3-plan/targets.js'
import { setupBuilder, warnUnsupportedPlatforms, type BuilderOptions } from '../4-setup/builder.js'
import { checkBuildx } from '../4-setup/buildx.js'
import { setupQemu } from '../4-setup/qemu.js'
import { runBakeCall } from '../5-build/bake-call.js'
import { loadImages } from '../5-build/bake-load.js'
import { runBake, type BakeRunResult } from '../5-build/bake-run.js'
import { RegistryClient } from '../6-registry/client.js'
import { registryCredentials, resolveAll } from '../6-registry/credentials.js'
import { login, registryLogin } from '../6-registry/docker-login.js'
import { layoutRoot, pushLayouts, removeLayouts } from '../7-publish/layout-push.js'
import { plannedTargets, recordBuild, type RunReport } from '../7-publish/results.js'
import { collectMetrics } from '../8-report/metrics.js'
import { writePreviewComment } from '../8-report/pr-comment.js'
import { phase } from '../lib/phase.js'
import { State, type StateStore } from '../lib/state.js'

/** Phase: repository info, version and tags, and whether this run pushes. */
export async function contextPhase(
  inputs: Inputs,
  ctx: RunContext,
  report: RunReport
): Promise<{ repo?: RepoInfo; meta: MetaResult }> {
  const repo = await fetchRepo(ctx, inputs.githubToken, m => core.warning(m))
  const meta = resolveMeta(inputs, ctx, repo)
  core.info(`Event ${ctx.eventName} on ${ctx.ref || '(no ref)'} at ${ctx.sha || '(no sha)'}`)
  core.info(`Version: ${meta.version || '(none)'}; tags: ${meta.tagNames.join(', ') || '(none)'}`)
  report.version = meta.version
  report.push = decidePush(inputs.push, ctx)
  if (inputs.dryRun) {
    const would = report.push.push ? '' : 'not '
    core.info(`dry-run: planning as a run that would ${would}push (${report.push.reason})`)
  } else if (!report.push.push) {
    const why =
      `Not pushing: ${report.push.reason}. ` +
      'Attestations (SBOM, provenance) are off: a build-only run has no image to attach them to.'
    core.notice(why)
    report.notes.push(why)
  }
  return { repo, meta }
}

/** What setting up the builder needs; a builder this run creates is recorded for the post step at once. */
function builderOptions(inputs: Inputs, ctx: RunContext, dir: string, state: StateStore): BuilderOptions {
  return {
    ...inputs,
    runId: ctx.runId,
    tempDir: dir,
    ghaCache: inputs.cache === 'gha',
    onCreated: (n: string) => state.save(State.CreatedBuilder, n)
  }
}

/**
 * Phase: the bake definition (`bake --print` with REGISTRY/IMAGE_PREFIX/VERSION), the secret guard and the
 * per-target plan; the buildx check; and, when this run creates no builder, the builder's inspection. Those three
 * run at once: each is a buildx call of its own and none needs another's answer (a named builder's driver, which
 * the plan needs, comes from its inspection). Then QEMU handlers for the planned platforms and, for the
 * docker-container driver, the builder this run creates (after QEMU, so BuildKit boots with the emulators).
 */
export async function planPhase(
  inputs: Inputs,
  ctx: RunContext,
  tags: { repo?: RepoInfo; meta: MetaResult },
  report: RunReport,
  dir: string,
  state: StateStore
): Promise<{ plan: BuildPlan; builder?: string }> {
  const options = builderOptions(inputs, ctx, dir, state)
  const creates = !inputs.builder && inputs.driver !== 'docker'
  const inspected =
    (inputs.dryRun && !inputs.builder) || (!inputs.dryRun && creates) ? undefined : setupBuilder(options)
  const driver = inputs.builder && inspected ? inspected.then(b => b.driver) : Promise.resolve(inputs.driver)
  const planned = driver.then(d =>
    planBuild({
      inputs,
      ctx,
      repo: tags.repo,
      meta: tags.meta,
      push: report.push,
      localCacheDir: localCacheRoot(),
      layoutRoot: layoutRoot(dir),
      // The docker driver cannot push by digest: the driver is known before any output is planned.
      driver: d
    })
  )
  const settled = await Promise.allSettled([checkBuildx(), inspected, planned])
  // The most basic failure is the one to report: an unsupported buildx (which would otherwise fail inside
  // `bake --print` with a less clear message), then an unusable builder, then the plan.
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  const plan = await planned
  report.notes.push(...plan.notes)
  report.targets = plannedTargets(plan.plans, report.push, inputs.dryRun)
  const platforms = [...new Set(plan.plans.flatMap(p => p.platforms))]
  if (inputs.dryRun) {
    core.info(`dry-run: no QEMU install and no builder; platforms needed: ${platforms.join(', ')}`)
    return { plan, builder: inputs.builder || undefined }
  }
  await setupQemu(inputs.qemu, platforms, inputs.qemuImage)
  const info = inspected ? await inspected : await setupBuilder(options)
  warnUnsupportedPlatforms(info, platforms)
  return { plan, builder: info.name }
}

/**
 * Phase: the override file (its path). `set` lines apply over it, so with any the secret guard runs again on the
 * final definition, what the build will really run; a dry run prints that definition.
 */
export async function overridePhase(
  inputs: Inputs,
  invocation: BakeInvocation,
  plans: TargetPlan[],
  dir: string
): Promise<string> {
  const file = path.join(dir, 'multiarch-override.json')
  await writeFile(file, JSON.stringify(overrideFile(plans), null, 2) + '\n')
  if (!inputs.set.length && !inputs.dryRun) return file
  const final = await printDefinition(withFile(invocation, file))
  assertFinalDefinition(final.definition, { allow: inputs.allowSecretBuildArgs })
  if (inputs.dryRun) core.info(final.json)
  return file
}

/** Phase (call input other than build): the builder, then bake evaluates the targets; nothing is built. */
export async function callPhase(
  inputs: Inputs,
  ctx: RunContext,
  version: string,
  dir: string,
  state: StateStore
): Promise<void> {
  const [, printed] = await Promise.all([
    checkBuildx(),
    printDefinition(bakeInvocation(inputs, ctx, version))
  ])
  const builder = inputs.dryRun
    ? inputs.builder || undefined
    : (await setupBuilder(builderOptions(inputs, ctx, dir, state))).name
  await runBakeCall({ ...printed.invocation, builder }, inputs.call)
}

/**
 * Phase: registry login (state records it for the post step's logout), the credentials of every registry the
 * plan pushes to (a broken credential helper fails here, before anything is built), and the local cache restore.
 */
export async function loginPhase(
  inputs: Inputs,
  ctx: RunContext,
  state: StateStore,
  images: string[]
): Promise<RegistryClient> {
  const creds = registryLogin(inputs, ctx)
  const loggedIn = creds ? await login(creds) : false
  if (loggedIn) state.save(State.LoggedInRegistries, JSON.stringify([creds?.registry]))
  if (!creds)
    core.info(`No login to ${inputs.registry}: no password given; using the docker config's credentials`)
  const credentials = registryCredentials(creds, creds?.defaulted === true && !loggedIn)
  await resolveAll(credentials, images)
  if (inputs.cache === 'local') {
    // Loaded only here: @actions/cache is most of the bundle's start-up time.
    const { restoreLocalCache } = await import('../4-setup/local-cache.js')
    state.save(
      State.LocalCache,
      JSON.stringify(await restoreLocalCache(localCacheRoot(), inputs.cacheScope, ctx.sha))
    )
  }
  return new RegistryClient({ credentials })
}

/** Phase (docker driver): upload every layout by digest, then remove them all. */
export async function pushPhase(
  client: RegistryClient,
  report: RunReport,
  plans: TargetPlan[],
  dir: string
): Promise<void> {
  try {
    await pushLayouts(client, report.targets, plans)
  } finally {
    await removeLayouts([layoutRoot(dir)])
  }
}

/** Phase: the build (push by digest, or OCI layouts for the docker driver); no tag moves. */
export async function buildPhase(
  inputs: Inputs,
  invocation: BakeInvocation,
  plans: TargetPlan[],
  report: RunReport,
  state: StateStore,
  dir: string
): Promise<BakeRunResult> {
  // The docker driver's OCI layouts, all under one directory: the post step removes it if main could not.
  const layouts = plans.some(p => p.layoutDir) ? [layoutRoot(dir)] : []
  if (layouts.length) state.save(State.LayoutDirs, JSON.stringify(layouts))
  const build = await runBake(invocation, report.bakeFile, path.join(dir, 'metadata.json'))
  report.metadataJson = build.metadataJson
  const layoutTargets = new Set(plans.filter(p => p.layoutDir).map(p => p.target))
  recordBuild(report.targets, build, report.push.push, report.push.reason, layoutTargets)
  if (inputs.cache === 'local') await rotateLocalCache(localCacheRoot())
  if (!build.ok) await removeLayouts(layouts)
  else if (inputs.load && report.push.push) await loadImages(invocation, plans, dir)
  return build
}

/** Build metrics and the PR comment; failures here are warnings. */
export async function lastStep(
  inputs: Inputs,
  ctx: RunContext,
  report: RunReport,
  build: BakeRunResult | undefined,
  client: RegistryClient | undefined,
  attestations: boolean
): Promise<void> {
  try {
    if (build) await phase('Build metrics', () => collectMetrics(report, build, client))
    await writePreviewComment({
      ctx,
      report,
      enabled: inputs.prComment,
      token: inputs.githubToken,
      attestations
    })
  } catch (e) {
    core.warning(`After-publish step failed: ${(e as Error).message}`)
  }
}
