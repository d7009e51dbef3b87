// Publishing in two phases, so a failure never leaves a release half-moved:
//   1. push by digest: bake pushes every target by digest (docker-container and other drivers), or, with the
//      docker driver, exports OCI layouts that the action uploads by digest once the whole build succeeded;
//      no tag of any kind reaches the registry in this phase;
//   2. tagging: only when every target was pushed, each release tag is pointed at its target's index digest
//      through the registry API (the index PUT under the tag), one reference at a time, each read back.
// Seams for the release policies (issue 5) are the hooks: before the build (secret guard, immutable tags),
// before tagging (monotonic floating tags: withhold), after tagging (verification), after publishing (PR comment,
// build metrics).
import * as core from '@actions/core'
import type { TargetPlan } from '../3-plan/targets.js'
import { repositoryOf } from '../3-plan/targets.js'
import type { BakeRunResult } from '../5-build/bake-run.js'
import { pushLayout, removeLayouts } from './layout-push.js'
import type { PushDecision } from '../1-context/push-decision.js'
import type { RegistryClient } from '../6-registry/client.js'
import type { RunReport, TargetResult } from '../8-report/summary.js'
import { platformManifests } from '../6-registry/manifest.js'

export interface PublishHooks {
  /** Before anything is built or pushed; throw to stop (e.g. a secret in build args, an immutable tag). */
  beforeBuild?: (plans: TargetPlan[], report: RunReport) => Promise<void>
  /** After every target was pushed by digest; may add entries to `withheld` (those tags are not moved). */
  beforeTagging?: (targets: TargetResult[], report: RunReport) => Promise<void>
  /** After the tags moved; throw to fail the step with the exact difference. */
  afterTagging?: (targets: TargetResult[], report: RunReport) => Promise<void>
  /** Last: PR comment, build metrics (gets bake's progress stream). Errors here are warnings. */
  afterPublish?: (report: RunReport, build: BakeRunResult | undefined) => Promise<void>
}

/** The report rows for the plan, before anything ran. */
export function plannedTargets(plans: TargetPlan[], push: PushDecision, dryRun: boolean): TargetResult[] {
  const reason = dryRun
    ? `dry run: would ${push.push ? 'push' : `not push (${push.reason})`}`
    : push.push
      ? 'planned'
      : push.reason
  return plans.map(p => ({
    target: p.target,
    image: p.image,
    platforms: p.platforms,
    requestedTags: p.tags,
    tags: [],
    withheld: [],
    platformDigests: {},
    pushed: false,
    status: p.producesImage ? 'planned' : 'skipped',
    reason: p.producesImage ? reason : (p.skipReason ?? '')
  }))
}

/** `pushing manifest for NAME@sha256:… done` lines: what reached the registry even when bake failed. */
export function pushedFromProgress(progress: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of progress.matchAll(/pushing manifest for (\S+)@(sha256:[0-9a-f]{64})(?: [0-9.]+s)? done/g)) {
    out[repositoryOf(m[1])] = m[2]
  }
  return out
}

/** Records the build's result on each target row (`layouts`: targets exported as OCI layouts, not pushed yet). */
export function recordBuild(
  targets: TargetResult[],
  build: BakeRunResult,
  push: boolean,
  pushReason: string,
  layouts: Set<string> = new Set()
): void {
  const pushedByProgress = pushedFromProgress(build.progress)
  for (const t of targets) {
    if (t.status === 'skipped') continue
    const layout = layouts.has(t.target)
    const digest =
      build.metadata[t.target]?.['containerimage.digest'] ??
      (push && !layout ? pushedByProgress[t.image] : undefined)
    if (build.ok && push && layout) {
      Object.assign(t, { status: 'built', digest, reason: 'built; not pushed yet' })
    } else if (build.ok) {
      t.status = push ? 'untagged' : 'built'
      t.digest = push ? digest : undefined
      t.reason = push ? 'pushed by digest, not tagged yet' : pushReason
    } else if (digest && !layout) {
      t.status = 'untagged'
      t.digest = digest
      t.reason = 'pushed by digest and left untagged: another part of the build failed'
    } else if (digest) {
      Object.assign(t, { status: 'built', reason: 'built, not pushed: another part of the build failed' })
    } else {
      t.status = 'not-built'
      t.reason = 'not pushed: the build failed'
    }
  }
}

/**
 * Docker driver: upload each target's OCI layout by digest (after the whole build succeeded), check the index
 * digest is bake's, and remove the layout. A target whose upload did not happen keeps status `built`.
 */
export async function pushLayouts(
  client: RegistryClient,
  targets: TargetResult[],
  plans: TargetPlan[]
): Promise<void> {
  const dirs: string[] = []
  try {
    for (const t of targets) {
      const dir = plans.find(p => p.target === t.target)?.layoutDir
      if (t.status === 'skipped' || !dir) continue
      dirs.push(dir)
      const started = Date.now()
      const r = await pushLayout(client, t.image, dir, t.digest).catch((e: Error) => {
        throw new Error(`Push of ${t.target} (${t.image}) failed; no tag was moved: ${e.message}`, {
          cause: e
        })
      })
      Object.assign(t, { status: 'untagged', digest: r.digest, reason: 'pushed by digest, not tagged yet' })
      core.info(
        `${t.target}: pushed ${t.image}@${r.digest} (${r.manifests} manifests; ${r.blobsUploaded} blobs uploaded, ` +
          `${r.bytesUploaded} bytes; ${r.blobsExisting} already there) in ${((Date.now() - started) / 1000).toFixed(1)} s`
      )
    }
  } finally {
    const failed = await removeLayouts(dirs)
    if (failed.length) core.warning(`Could not remove the OCI layouts ${failed.join(', ')}`)
  }
}

/** Reads each pushed index once: its platform manifests, and the raw bytes tagging PUTs under each tag. */
async function readIndexes(
  client: RegistryClient,
  images: TargetResult[]
): Promise<Map<string, { mediaType: string; raw: Buffer }>> {
  const out = new Map<string, { mediaType: string; raw: Buffer }>()
  for (const t of images) {
    if (!t.digest)
      throw new Error(`The build reported no pushed digest for target '${t.target}'; nothing was tagged.`)
    const index = await client.getManifest(`${t.image}@${t.digest}`)
    if (!index) throw new Error(`${t.image}@${t.digest} is not in the registry; nothing was tagged.`)
    t.platformDigests = platformManifests(index.json)
    const missing = t.platforms.filter(p => !t.platformDigests[p])
    if (missing.length)
      core.warning(`${t.target}: the pushed index has no manifest for ${missing.join(', ')}`)
    out.set(t.target, { mediaType: index.mediaType, raw: Buffer.from(index.raw, 'utf8') })
  }
  return out
}

/** Digest-only (issue 6's per-platform build job): read the platforms back, move no tag. */
export async function recordDigests(client: RegistryClient, targets: TargetResult[]): Promise<void> {
  const images = targets.filter(t => t.status !== 'skipped')
  await readIndexes(client, images)
  for (const t of images) {
    Object.assign(t, { pushed: true, status: 'pushed', reason: 'pushed by digest, not tagged (digest-only)' })
  }
}

/** Moves every requested, non-withheld tag of one target onto its pushed index, one reference at a time. */
async function tagTarget(
  client: RegistryClient,
  t: TargetResult,
  index: { mediaType: string; raw: Buffer }
): Promise<void> {
  const withheld = new Set(t.withheld.map(w => w.tag))
  for (const ref of t.requestedTags) {
    if (withheld.has(ref)) {
      core.info(`${ref}: not moved (${t.withheld.find(w => w.tag === ref)?.reason})`)
      continue
    }
    const tag = ref.slice(t.image.length + 1)
    await client.pushManifest(t.image, tag, index)
    const actual = await client.headDigest(ref)
    if (actual !== t.digest) {
      throw new Error(
        `Tag ${ref} resolves to ${actual ?? 'nothing'} after tagging, not the pushed index ${t.digest}.`
      )
    }
    t.tags.push(ref)
    core.info(`${ref} -> ${t.digest}`)
  }
  t.pushed = true
  t.status = 'pushed'
  t.reason = t.withheld.length ? `${t.withheld.length} tag(s) withheld` : 'tagged'
}

/** Phase 2: point every requested (and not withheld) tag at its target's index; each read back. */
export async function tagAll(
  client: RegistryClient,
  targets: TargetResult[],
  report: RunReport,
  hooks: PublishHooks
): Promise<void> {
  const images = targets.filter(t => t.status !== 'skipped')
  const indexes = await readIndexes(client, images)
  await hooks.beforeTagging?.(images, report)
  // Targets are tagged concurrently (each target's tags one at a time, each read back): on a remote registry
  // every tag is two round trips, and a release of six images has thirty tags. All finish before the first
  // failure is reported, so the report never describes a tagging still under way.
  const results = await Promise.allSettled(
    images.map(t => tagTarget(client, t, indexes.get(t.target) as { mediaType: string; raw: Buffer }))
  )
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  await hooks.afterTagging?.(images, report)
}
