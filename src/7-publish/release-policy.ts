// The release policy: one implementation for the main action and merge, applied at two moments.
//   1. Before anything is pushed (main: before the build; merge: before any index is pushed). Each image's tags
//      are read; an exact version tag (v1.2.3) that exists stops the run, naming image, tag and digest, unless
//      it holds this same release (below) or `overwrite` is set. The floating tags that would stay where they
//      are get logged: a preview, because the decision that counts is taken again at tag time.
//   2. At tag time, for each image, right before its tags move (tagging.ts). The tags are listed and every
//      requested tag that exists is resolved again: floating tags (latest, vX, vX.Y) move only forward against
//      what the registry holds now, so a v1.3.0 released while our v1.2.9 built is not overtaken; exact tags are
//      checked again against the digest just pushed; and the digest each requested tag holds is recorded, which
//      is what a failed tagging puts back. The withheld tags are set on the target here, in both paths.
// Same release: an exact tag whose image carries this run's version and source revision (the
// `org.opencontainers.image.version` and `.revision` annotations the action writes on every image it pushes)
// was published by an earlier run of this very release that did not finish: a tagging failure whose new tags
// the registry would not let the action remove. It is not a conflict: the release continues on the index that
// tag already holds, so a published tag never changes content, and re-running a finished release moves nothing.
import * as core from '@actions/core'
import { describeIndex, type ManifestJson } from '../6-registry/manifest.js'
import { tagOf, tagRef } from '../6-registry/reference.js'
import { imageTargets, withhold, type RunReport } from './results.js'
import {
  decideFloatingTags,
  findImmutableConflicts,
  immutableConflictMessage,
  isFloatingTag,
  type ImmutableConflict,
  type TagAffixes,
  type WithheldTag
} from './tag-rules.js'

export const VERSION_ANNOTATION = 'org.opencontainers.image.version'
export const REVISION_ANNOTATION = 'org.opencontainers.image.revision'

export interface ReleasePolicy {
  /** The computed version, as the images carry it (`v1.2.3`). */
  version: string
  /** The source revision this run publishes, as the images carry it; '' when unknown. */
  revision: string
  affixes: TagAffixes
  /** Per image, affixes that replace `affixes` (a target's variant wrapped around the flavor). */
  imageAffixes?: Record<string, TagAffixes>
  /** Floating tags only move forward (flavor `monotonic=false` turns it off). */
  monotonic: boolean
  /** Replace an existing exact tag that holds other content. */
  overwrite: boolean
  /** SBOM and provenance were pushed: every platform must carry one attestation manifest. */
  attestations: boolean
}

/** The policy for a run, with version and revision read from the labels the tag engine computed. */
export function releasePolicy(o: Omit<ReleasePolicy, 'revision'> & { labels: string[] }): ReleasePolicy {
  const revision = o.labels.find(l => l.startsWith(`${REVISION_ANNOTATION}=`))?.split('=')[1] ?? ''
  const { labels: _labels, ...rest } = o
  return { ...rest, revision }
}

/** What the policy reads from a registry (RegistryClient implements it). */
export interface ReleaseReader {
  listTags(image: string): Promise<string[] | undefined>
  headDigest(ref: string): Promise<string | undefined>
  getManifest(ref: string): Promise<{ digest: string; json: ManifestJson } | undefined>
}

export interface TagDecision {
  image: string
  /** Tags to move, in order: every other tag first, the floating ones last. */
  moves: string[]
  /** Floating tags that stay where they are, and why (`v1.2.9 < v1.3.0`). */
  withheld: WithheldTag[]
  /** Each requested tag → the digest it holds now (undefined: no such tag). */
  current: Map<string, string | undefined>
  /** Exact tags that hold other content (empty with `overwrite`). */
  conflicts: ImmutableConflict[]
  /** The index an earlier, unfinished run of this same release published: the tags move there. */
  resume?: string
  /** Set when the floating rule did not apply (turned off, or the version is not semver). */
  note?: string
}

/** Whether the image at `digest` is this release: its version and revision annotations are this run's. */
export async function isSameRelease(
  reader: ReleaseReader,
  image: string,
  digest: string,
  policy: ReleasePolicy
): Promise<boolean> {
  if (!policy.version || !policy.revision) return false
  const matches = (a: Record<string, string> = {}) =>
    a[VERSION_ANNOTATION] === policy.version && a[REVISION_ANNOTATION] === policy.revision
  const index = await reader.getManifest(`${image}@${digest}`)
  if (!index) return false
  if (index.json.annotations?.[VERSION_ANNOTATION]) return matches(index.json.annotations)
  // The main action writes them on the platform manifests (annotation level `manifest`).
  const first = describeIndex(index.json).images[0]
  if (!first) return false
  return matches((await reader.getManifest(`${image}@${first.digest}`))?.json.annotations)
}

/**
 * The policy for one image's requested `tags` (names, not references), from what its registry holds now.
 * `pushed`: the index the tags are about to move to; undefined before anything is pushed, where every existing
 * exact tag that is not this release is a conflict.
 */
export async function decideTags(
  reader: ReleaseReader,
  image: string,
  tags: string[],
  policy: ReleasePolicy,
  pushed?: string
): Promise<TagDecision> {
  const affixes = policy.imageAffixes?.[image] ?? policy.affixes
  const existing = (await reader.listTags(image)) ?? []
  const current = new Map<string, string | undefined>(tags.map(t => [t, undefined]))
  // Only tags the listing shows are resolved: a new repository costs one request.
  await Promise.all(
    tags
      .filter(t => existing.includes(t))
      .map(async t => current.set(t, await reader.headDigest(tagRef(image, t))))
  )
  const floating = decideFloatingTags(policy.version, tags, existing, {
    ...affixes,
    enabled: policy.monotonic
  })
  let conflicts = policy.overwrite ? [] : findImmutableConflicts(image, tags, current, pushed, affixes)
  let resume: string | undefined
  const held = [...new Set(conflicts.map(c => c.existingDigest))]
  if (held.length === 1 && (await isSameRelease(reader, image, held[0], policy))) {
    resume = held[0]
    conflicts = []
  }
  const staying = new Set(floating.withheld.map(w => w.tag))
  const moves = tags.filter(t => !staying.has(t))
  const last = (t: string) => isFloatingTag(t, policy.version, affixes)
  return {
    image,
    moves: [...moves.filter(t => !last(t)), ...moves.filter(last)],
    withheld: floating.withheld,
    current,
    conflicts,
    resume,
    note: floating.note
  }
}

/** Stage 1 for every image: fails before anything is pushed on an exact tag that holds other content. */
export async function checkBeforePush(
  reader: ReleaseReader,
  images: { image: string; tags: string[] }[],
  policy: ReleasePolicy
): Promise<TagDecision[]> {
  const decisions = await Promise.all(
    images.map(i =>
      decideTags(reader, i.image, i.tags, policy).catch((e: Error) => {
        throw new Error(`Release tag check of ${i.image} failed; nothing was pushed: ${e.message}`, {
          cause: e
        })
      })
    )
  )
  for (const d of decisions) {
    if (d.note) core.info(`${d.image}: ${d.note}`)
    for (const w of d.withheld) core.info(`${tagRef(d.image, w.tag)} will not move: ${w.reason}`)
    if (d.resume) {
      core.info(
        `${d.image}: an earlier run of this release (${policy.version}, revision ${policy.revision.slice(0, 12)}) ` +
          `published ${d.resume}; this run completes the release on it`
      )
    }
  }
  const conflicts = decisions.flatMap(d => d.conflicts)
  if (conflicts.length) throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite' }))
  return decisions
}

/** The release tags each image target of a run asks for (names, not references), as stage 1 reads them. */
export const releaseImages = (report: RunReport): { image: string; tags: string[] }[] =>
  imageTargets(report.targets)
    .filter(t => t.requestedTags.length)
    .map(t => ({ image: t.image, tags: t.requestedTags.map(r => tagOf(t.image, r)) }))

/**
 * Dry run: what stage 1 would decide now, read from the registry (anonymously unless the inputs give a login);
 * a registry that cannot be read is a warning, a release tag that would be refused fails as it would. The tags
 * that would stay where they are are set on the targets, as a real run sets them.
 */
export async function dryRunReleaseCheck(
  reader: ReleaseReader,
  report: RunReport,
  policy: ReleasePolicy
): Promise<void> {
  let decisions
  try {
    decisions = await checkBeforePush(reader, releaseImages(report), policy)
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
