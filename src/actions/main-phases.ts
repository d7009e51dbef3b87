// The main action's phases (main.ts runs them in order): each takes what it needs and returns what it produces.
import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fetchRepo, type RepoInfo, type RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import { decidePush } from '../1-context/push-decision.js'
import { resolveMeta } from '../2-tags/action-tags.js'
import type { MetaResult } from '../2-tags/index.js'
import { rotateLocalCache } from '../3-plan/cache.js'
import { printDefinition, type BakeInvocation } from '../3-plan/definition.js'
import { planBuild, type BuildPlan } from '../3-plan/plan.js'
import { overrideFile, type TargetPlan } from '../3-plan/targets.js'
import { checkBuildx, setupBuilder } from '../4-setup/builder.js'
import { setupQemu } from '../4-setup/qemu.js'
import { runBake, type BakeRunResult } from '../5-build/bake-run.js'
import { RegistryClient } from '../6-registry/client.js'
import { login, resolveCredentials, type RegistryLogin } from '../6-registry/docker-login.js'
import { tagOf, tagRef } from '../6-registry/reference.js'
import { pushLayouts, removeLayouts } from '../7-publish/layout-push.js'
import { checkBeforePush, type ReleasePolicy } from '../7-publish/release-policy.js'
import { imageTargets, plannedTargets, recordBuild, withhold, type RunReport } from '../7-publish/results.js'
import { collectMetrics } from '../8-report/metrics.js'
import { writePreviewComment } from '../8-report/pr-comment.js'
import { phase } from '../lib/phase.js'
import { State, type StateStore } from '../lib/state.js'

export function localCacheRoot(): string {
  return process.env.RUNNER_TEMP
    ? path.join(process.env.RUNNER_TEMP, 'multiarch-cache')
    : path.join(os.tmpdir(), 'multiarch-action-cache')
}

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
  const options = {
    ...inputs,
    runId: ctx.runId,
    onCreated: (n: string) => state.save(State.CreatedBuilder, n)
  }
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
  // The most basic failure is the one to report: no buildx, then an unusable builder, then the plan.
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
  const unsupported = platforms.filter(p => info.platforms.length && !info.platforms.includes(p))
  if (unsupported.length) {
    core.warning(
      `Builder '${info.name}' does not list ${unsupported.join(', ')} (it lists ${info.platforms.join(', ')})`
    )
  }
  return { plan, builder: info.name }
}

/** Phase: the override file (its path); a dry run prints the final definition with it. */
export async function overridePhase(
  inputs: Inputs,
  invocation: BakeInvocation,
  plans: TargetPlan[],
  dir: string
): Promise<string> {
  const file = path.join(dir, 'multiarch-override.json')
  await writeFile(file, JSON.stringify(overrideFile(plans), null, 2) + '\n')
  if (inputs.dryRun) {
    const { json } = await printDefinition({ ...invocation, files: [...invocation.files, file] })
    core.info(json)
  }
  return file
}

/** The registry login the inputs describe (for the registry input only), masked; undefined without one. */
export function registryLogin(inputs: Inputs, ctx: RunContext): RegistryLogin | undefined {
  return resolveCredentials(inputs.registry, inputs.username, inputs.password, {
    actor: ctx.actor,
    token: inputs.githubToken
  })
}

/** A registry client that sends the login's credentials to its own registry and nowhere else. */
export const registryClient = (c: RegistryLogin | undefined): RegistryClient =>
  new RegistryClient({
    credentials: c ? { [c.registry]: { username: c.username, password: c.password } } : {}
  })

/** Phase: registry login (state records it for the post step's logout) and the local cache restore. */
export async function loginPhase(
  inputs: Inputs,
  ctx: RunContext,
  state: StateStore
): Promise<RegistryClient> {
  const creds = registryLogin(inputs, ctx)
  if (creds) {
    await login(creds)
    state.save(State.LoggedInRegistries, JSON.stringify([creds.registry]))
  } else {
    core.info(`No login to ${inputs.registry}: no password given (and no default for this registry)`)
  }
  if (inputs.cache === 'local') {
    // Loaded only here: @actions/cache is most of the bundle's start-up time.
    const { restoreLocalCache } = await import('../4-setup/local-cache.js')
    state.save(
      State.LocalCache,
      JSON.stringify(await restoreLocalCache(localCacheRoot(), inputs.cacheScope, ctx.sha))
    )
  }
  return registryClient(creds)
}

/** The release tags each image target asks for (names, not references). */
export const releaseImages = (report: RunReport) =>
  imageTargets(report.targets)
    .filter(t => t.requestedTags.length)
    .map(t => ({ image: t.image, tags: t.requestedTags.map(r => tagOf(t.image, r)) }))

/**
 * Dry run: what the release check would decide now, read from the registry (anonymously unless the inputs give
 * a login); a registry that cannot be read is a warning, a release tag that would be refused fails as it would.
 */
export async function dryRunReleaseCheck(
  client: RegistryClient,
  report: RunReport,
  policy: ReleasePolicy
): Promise<void> {
  let decisions
  try {
    decisions = await checkBeforePush(client, releaseImages(report), policy)
  } catch (e) {
    if (/^Refusing to overwrite/.test((e as Error).message)) throw e
    core.warning(`dry-run: could not check the release tags against the registry: ${(e as Error).message}`)
    return
  }
  for (const d of decisions) {
    const t = imageTargets(report.targets).find(x => x.image === d.image)
    if (t)
      withhold(
        t,
        d.withheld.map(w => ({ tag: tagRef(t.image, w.tag), reason: w.reason }))
      )
  }
}

/** Where bake exports the OCI layouts (docker driver): one directory per target under it. */
export const layoutRoot = (dir: string): string => path.join(dir, 'oci')

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
