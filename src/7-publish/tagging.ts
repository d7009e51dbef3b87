// Tagging a release, all or nothing, for the main action and merge alike. Every target's index is already in the
// registry by digest. First, for every image: the release policy's decision at tag time (release-policy.ts),
// which also records the digest each requested tag holds now, and a check of the index itself (platforms, one
// attestation manifest per platform); nothing moves until every image passed. Then the tags move: targets
// concurrently, each target's tags one at a time (its floating tags last), each PUT of the index's bytes read
// back. If any move fails, no further one starts, and every tag this run touched is put back: a tag that existed
// goes back to its former index, a new one is deleted, or, where the registry deletes no tag on its own
// (distribution 2, GHCR), the index this run pushed is deleted by digest, which takes the new tags with it. The
// error says what was put back and anything that could not be.
import * as core from '@actions/core'
import type { RegistryClient } from '../6-registry/client.js'
import { platformManifests, type ManifestJson } from '../6-registry/manifest.js'
import { tagOf, tagRef } from '../6-registry/reference.js'
import { decideTags, type ReleasePolicy, type TagDecision } from './release-policy.js'
import {
  imageTargets,
  indexRead,
  published,
  publishedByDigest,
  releaseResumed,
  tagMoved,
  tagsPutBack,
  withhold,
  type TargetResult
} from './results.js'
import { immutableConflictMessage } from './tag-rules.js'
import { verificationMessage, verifyImage } from './verify.js'

/** An index in the registry: the bytes every tag PUT sends, and what it holds. */
interface Index {
  digest: string
  mediaType: string
  raw: Buffer
  json: ManifestJson
}

async function readIndex(client: RegistryClient, image: string, digest: string): Promise<Index> {
  const m = await client.getManifest(`${image}@${digest}`)
  if (!m) throw new Error(`${image}@${digest} is not in the registry; nothing was tagged.`)
  return { digest, mediaType: m.mediaType, raw: Buffer.from(m.raw, 'utf8'), json: m.json }
}

const pushedDigest = (t: TargetResult): string => {
  if (!t.digest)
    throw new Error(`The build reported no pushed digest for target '${t.target}'; nothing was tagged.`)
  return t.digest
}

/** Digest-only build legs: read each index back (its platforms go to the outputs), move no tag. */
export async function recordDigestsOnly(client: RegistryClient, targets: TargetResult[]): Promise<void> {
  for (const t of imageTargets(targets)) {
    const index = await readIndex(client, t.image, pushedDigest(t))
    indexRead(t, platformManifests(index.json))
    const missing = t.platforms.filter(p => !t.platformDigests[p])
    if (missing.length)
      core.warning(`${t.target}: the pushed index has no manifest for ${missing.join(', ')}`)
    publishedByDigest(t)
  }
}

interface TargetTagging {
  t: TargetResult
  decision: TagDecision
  index: Index
}

/** One tag this run touched (its PUT was sent, whether or not it succeeded), and what it held before. */
interface Touched {
  t: TargetResult
  tag: string
  before?: string
  index: Index
}

/** Tags every image target of a release: the one path of the main action and of merge. */
export async function tagRelease(
  client: RegistryClient,
  targets: TargetResult[],
  policy: ReleasePolicy
): Promise<void> {
  const plans: TargetTagging[] = await Promise.all(
    imageTargets(targets).map(async t => {
      const tags = t.requestedTags.map(r => tagOf(t.image, r))
      const decision = await decideTags(client, t.image, tags, policy, pushedDigest(t))
      const index = await readIndex(client, t.image, decision.resume ?? pushedDigest(t))
      return { t, decision, index }
    })
  )
  const conflicts = plans.flatMap(p => p.decision.conflicts)
  if (conflicts.length) {
    throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite', afterPush: true }))
  }
  const diffs = plans.flatMap(({ t, index }) =>
    verifyImage({
      image: t.image,
      index: index.json,
      digest: index.digest,
      platforms: t.platforms,
      attestations: policy.attestations,
      tags: {}
    })
  )
  if (diffs.length) throw new Error(`${verificationMessage(diffs)}\nNo tag was moved.`)
  for (const { t, decision, index } of plans) {
    if (decision.resume) {
      releaseResumed(t, index.digest, platformManifests(index.json))
      core.info(`${t.image}: continuing the release on ${index.digest}, which an earlier run of it published`)
    } else indexRead(t, platformManifests(index.json))
    withhold(
      t,
      decision.withheld.map(w => ({ tag: tagRef(t.image, w.tag), reason: w.reason }))
    )
    for (const w of t.withheld) core.info(`${w.tag}: not moved (${w.reason})`)
  }
  await moveAll(client, plans)
  for (const p of plans) published(p.t)
}

/** Moves every planned tag; on any failure puts back everything touched and throws with what happened. */
async function moveAll(client: RegistryClient, plans: TargetTagging[]): Promise<void> {
  const touched: Touched[] = []
  let failure: Error | undefined
  // Targets concurrently (a release of six images has thirty tags, each two round trips); all in-flight moves
  // settle before anything is put back, so the report never describes a tagging still under way.
  await Promise.all(
    plans.map(async ({ t, decision, index }) => {
      for (const tag of decision.moves) {
        if (failure) return
        const ref = tagRef(t.image, tag)
        const before = decision.current.get(tag)
        if (before === index.digest) {
          tagMoved(t, ref)
          continue
        }
        touched.push({ t, tag, before, index })
        try {
          await client.pushManifest(t.image, tag, index)
          const actual = await client.headDigest(ref)
          if (actual !== index.digest) {
            throw new Error(`it resolves to ${actual ?? 'nothing'} after tagging, not ${index.digest}`)
          }
          tagMoved(t, ref)
          core.info(`${ref} -> ${index.digest}`)
        } catch (e) {
          failure ??= new Error(`Tagging ${ref} failed: ${(e as Error).message}`, { cause: e })
        }
      }
    })
  )
  if (!failure) return
  const { lines, left } = await putBack(client, touched, plans)
  for (const { t } of plans) {
    const mine = left.filter(r => r.startsWith(`${t.image}:`))
    tagsPutBack(
      t,
      mine.length ? `tagging failed; left on the index: ${mine.join(', ')}` : 'tagging failed; no tag moved',
      mine
    )
  }
  const head = left.length
    ? 'Not every tag could be put back (re-running this release completes it on the index they hold):'
    : 'Every tag this run moved was put back; the registry holds the tags it held before:'
  core.warning([head, ...lines].join('\n'))
  throw new Error([failure.message, head, ...lines].join('\n'), { cause: failure })
}

/** Puts every touched tag back; returns the lines that say so and the references left on the new index. */
async function putBack(
  client: RegistryClient,
  touched: Touched[],
  plans: TargetTagging[]
): Promise<{ lines: string[]; left: string[] }> {
  const lines: string[] = []
  const left: string[] = []
  const undeletable: Touched[] = []
  for (const a of [...touched].reverse()) {
    const ref = tagRef(a.t.image, a.tag)
    try {
      // A move whose PUT was refused may not have happened at all: only what changed is undone.
      const now = await client.headDigest(ref)
      if (now === a.before) lines.push(`  ${ref}: unchanged (${a.before ?? 'absent'})`)
      else if (a.before) {
        const old = await client.getManifest(`${a.t.image}@${a.before}`)
        if (!old) throw new Error(`${a.before} is no longer in the registry`)
        const raw = Buffer.from(old.raw, 'utf8')
        await client.pushManifest(a.t.image, a.tag, { mediaType: old.mediaType, raw })
        const back = await client.headDigest(ref)
        if (back !== a.before) throw new Error(`it reads back as ${back ?? 'nothing'}`)
        lines.push(`  ${ref}: back on ${a.before}`)
      } else if ((await client.tryDeleteManifest(a.t.image, a.tag)) === 'unsupported') undeletable.push(a)
      else lines.push(`  ${ref}: removed (it did not exist before)`)
    } catch (e) {
      left.push(ref)
      const was = a.before ?? 'absent'
      lines.push(`  ${ref}: could not be put back (${(e as Error).message}); before this run it was ${was}`)
    }
  }
  // A registry that deletes no tag alone may delete the index this run pushed, and with it the tags on it; never
  // an index that a tag held before this run (a release being resumed).
  for (const image of new Set(undeletable.map(a => a.t.image))) {
    const mine = undeletable.filter(a => a.t.image === image)
    const { index } = mine[0]
    const plan = plans.find(p => p.t.image === image)
    const heldBefore = plan ? [...plan.decision.current.values()].includes(index.digest) : true
    let gone = false
    if (
      !heldBefore &&
      (await client.tryDeleteManifest(image, index.digest).catch(() => 'unsupported')) !== 'unsupported'
    ) {
      const still = await Promise.all(mine.map(a => client.headDigest(tagRef(image, a.tag))))
      gone = still.every(d => d === undefined)
    }
    for (const a of mine) {
      const ref = tagRef(image, a.tag)
      if (gone)
        lines.push(`  ${ref}: removed with the index ${index.digest} (the registry deletes no tag alone)`)
      else {
        left.push(ref)
        lines.push(`  ${ref}: left on ${index.digest}: the registry deletes neither the tag nor the index`)
      }
    }
  }
  return { lines, left }
}
