// What happened to each target, and every change of its status, in one module: the phases of the main action
// and of merge call the named transitions below; the report (outputs, summary, PR comment, terminal view) only
// reads the rows. A row goes planned → built / pushed by digest (untagged) → published, or ends as not built,
// or skipped (a target whose output is not an image).
import type { PushDecision } from '../1-context/push-decision.js'
import type { TargetPlan } from '../3-plan/targets.js'
import { pushedFromProgress } from '../5-build/progress.js'
import type { BakeRunResult } from '../5-build/bake-run.js'
import type { TargetSignature } from './sign/command.js'

export type TargetStatus = 'planned' | 'skipped' | 'built' | 'untagged' | 'pushed' | 'not-built'

export interface WithheldTag {
  /** Full reference `image:tag`. */
  tag: string
  reason: string
}

export interface TargetResult {
  target: string
  image: string
  platforms: string[]
  /** Every reference the plan asked for. */
  requestedTags: string[]
  /** References that now point at `digest`. */
  tags: string[]
  /** Floating tags the release policy did not move, with the reason. */
  withheld: WithheldTag[]
  /** Index digest pushed to the registry (or, for a re-run of the same release, the one its tags hold). */
  digest?: string
  /** platform → manifest digest inside the index. */
  platformDigests: Record<string, string>
  pushed: boolean
  status: TargetStatus
  /** Why it was not pushed / not tagged, or a note. */
  reason: string
  /** Extra per-target data for the `images` output (e.g. build metrics). */
  extra?: Record<string, unknown>
  /** Set when the index was signed (7-publish/sign): the cosign verify command the renderers show. */
  signature?: TargetSignature
}

export interface RunReport {
  version: string
  push: PushDecision
  dryRun: boolean
  targets: TargetResult[]
  metadataJson: string
  bakeFile: string
  /** The error that failed the step, if any. */
  error?: string
  /** Lines for the summary's notes (notices given during the run). */
  notes: string[]
  /** Markdown blocks appended to the summary (build metrics). */
  sections: string[]
  /** Pushed by digest only, never tagged (digest-only input). */
  digestOnly: boolean
}

export function emptyReport(): RunReport {
  return {
    version: '',
    push: { push: false, reason: 'not decided' },
    dryRun: false,
    targets: [],
    metadataJson: '{}',
    bakeFile: '',
    notes: [],
    sections: [],
    digestOnly: false
  }
}

/** A fresh row: nothing built, nothing pushed. */
export function plannedTarget(
  o: { target: string; image: string; platforms: string[]; requestedTags: string[] },
  reason: string
): TargetResult {
  return { ...o, tags: [], withheld: [], platformDigests: {}, pushed: false, status: 'planned', reason }
}

/** The rows of the main action's plan, before anything ran. */
export function plannedTargets(plans: TargetPlan[], push: PushDecision, dryRun: boolean): TargetResult[] {
  const reason = dryRun
    ? `dry run: would ${push.push ? 'push' : `not push (${push.reason})`}`
    : push.push
      ? 'planned'
      : push.reason
  return plans.map(p => {
    const row = plannedTarget(
      { target: p.target, image: p.image, platforms: p.platforms, requestedTags: p.tags },
      reason
    )
    return p.producesImage ? row : { ...row, status: 'skipped', reason: p.skipReason ?? '' }
  })
}

/** Rows that produce an image (skipped ones are reported, never published). */
export const imageTargets = (targets: TargetResult[]): TargetResult[] =>
  targets.filter(t => t.status !== 'skipped')

// ---- transitions ------------------------------------------------------------------------------------------

/** Built, not pushed (a build-only run, or a layout that was not uploaded). */
export function builtOnly(t: TargetResult, reason: string, digest?: string): void {
  Object.assign(t, { status: 'built', reason, digest })
}

/** In the registry under its digest, no tag moved yet. */
export function pushedByDigest(t: TargetResult, digest: string | undefined, reason: string): void {
  Object.assign(t, { status: 'untagged', digest, reason })
}

export function notBuilt(t: TargetResult, reason: string): void {
  Object.assign(t, { status: 'not-built', reason })
}

/** The platform manifests of the index the target's tags move to. */
export function indexRead(t: TargetResult, platformDigests: Record<string, string>): void {
  t.platformDigests = platformDigests
}

/**
 * The release moves this target's tags to an index an earlier run of the same release published (its exact
 * tag already holds it): that index replaces the one this run pushed.
 */
export function releaseResumed(
  t: TargetResult,
  digest: string,
  platformDigests: Record<string, string>
): void {
  Object.assign(t, { digest, platformDigests })
}

/** The floating tags the release policy keeps where they are, decided right before tagging. */
export function withhold(t: TargetResult, withheld: WithheldTag[]): void {
  t.withheld = withheld
}

/** One reference moved onto the target's index and read back. */
export function tagMoved(t: TargetResult, ref: string): void {
  if (!t.tags.includes(ref)) t.tags.push(ref)
}

/** Tagging failed somewhere: every tag this run moved was put back, except the `left` ones. */
export function tagsPutBack(t: TargetResult, reason: string, left: string[]): void {
  Object.assign(t, { tags: left, status: 'untagged', reason })
}

/** Every requested, non-withheld tag is on the index, verified. */
export function published(t: TargetResult): void {
  const reason = t.withheld.length ? `${t.withheld.length} tag(s) withheld` : 'tagged'
  Object.assign(t, { pushed: true, status: 'pushed', reason })
}

/** Digest-only build leg: in the registry by digest, deliberately never tagged. */
export function publishedByDigest(t: TargetResult): void {
  Object.assign(t, { pushed: true, status: 'pushed', reason: 'pushed by digest, not tagged (digest-only)' })
}

/** The run failed before this target got anywhere. */
export function abandoned(t: TargetResult, reason: string): void {
  if (t.status === 'planned') notBuilt(t, reason)
}

/** Records the build's result on each row (`layouts`: targets exported as OCI layouts, not pushed yet). */
export function recordBuild(
  targets: TargetResult[],
  build: BakeRunResult,
  push: boolean,
  pushReason: string,
  layouts: Set<string> = new Set()
): void {
  const pushedByProgress = pushedFromProgress(build.progress)
  for (const t of imageTargets(targets)) {
    const layout = layouts.has(t.target)
    const digest =
      build.metadata[t.target]?.['containerimage.digest'] ??
      (push && !layout ? pushedByProgress[t.image] : undefined)
    if (build.ok && push && layout) builtOnly(t, 'built; not pushed yet', digest)
    else if (build.ok && push) pushedByDigest(t, digest, 'pushed by digest, not tagged yet')
    else if (build.ok) builtOnly(t, pushReason)
    else if (digest && !layout) {
      pushedByDigest(t, digest, 'pushed by digest and left untagged: another part of the build failed')
    } else if (digest) builtOnly(t, 'built, not pushed: another part of the build failed', digest)
    else notBuilt(t, 'not pushed: the build failed')
  }
}
