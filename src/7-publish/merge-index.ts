// One index per target from its per-platform digests, with `docker buildx imagetools create`. Each source is
// a leg's own index (its platform manifest plus that platform's attestation manifest); imagetools copies every
// descriptor of every source into the new index, so SBOM and provenance stay attached to their platform.
//
// Pushing without moving a tag: `--dry-run` prints the exact index; its digest is the SHA-256 of those bytes
// (buildx prints them followed by one newline). Then the same command with `--tag IMAGE@DIGEST` pushes that
// index by digest only (buildx pushes a manifest under its own digest when the reference is a digest), and the
// registry is asked for IMAGE@DIGEST to confirm. Tags move later, through the release tagging (tagging.ts).
// Before any of that, each leg's digest is checked: in the registry, holding exactly its platform.
import * as core from '@actions/core'
import { run } from '../lib/exec.js'
import { withRetry } from '../lib/retry.js'
import type { RegistryClient } from '../6-registry/client.js'
import { platformManifests, type ManifestJson } from '../6-registry/manifest.js'
import { sha256 } from '../6-registry/upload.js'
import type { TargetSources } from './merge-digests.js'
import { pushedByDigest, indexRead, type TargetResult } from './results.js'
import { verifyImage } from './verify.js'

export interface ComposedIndex {
  target: string
  image: string
  digest: string
  raw: string
  json: ManifestJson
  args: string[]
}

/** `--annotation` values for the index: every annotation at index level, plus manifest-descriptor when asked. */
export function indexAnnotations(annotations: string[], levels: string[]): string[] {
  const out = annotations.map(a => `index:${a}`)
  if (levels.includes('manifest-descriptor')) out.push(...annotations.map(a => `manifest-descriptor:${a}`))
  return out
}

/** Arguments of `imagetools create` for one target (sources in the plan's platform order, after `--`). */
export function createArgs(s: TargetSources, annotations: string[], builder?: string): string[] {
  const args = ['buildx', 'imagetools', 'create']
  if (builder) args.push('--builder', builder)
  for (const a of annotations) args.push('--annotation', a)
  args.push('--')
  for (const p of s.platforms) args.push(`${s.image}@${s.digests[p]}`)
  return args
}

/** `args` with more flags, put before the `--` that ends the flags. */
export function withFlags(args: string[], ...flags: string[]): string[] {
  const end = args.indexOf('--')
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)]
}

/** The index bytes buildx would push: its dry-run output without the one trailing newline it prints. */
export function indexBytes(stdout: string): string {
  return stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout
}

/** Dry run: the index for one target, its digest, and nothing pushed. */
export async function composeIndex(
  s: TargetSources,
  annotations: string[],
  builder?: string
): Promise<ComposedIndex> {
  const args = createArgs(s, annotations, builder)
  const r = await withRetry(`compose the index of ${s.image}`, () =>
    run('docker', withFlags(args, '--dry-run'), { silent: true })
  )
  const raw = indexBytes(r.stdout)
  let json: ManifestJson
  try {
    json = JSON.parse(raw) as ManifestJson
  } catch {
    throw new Error(`imagetools create --dry-run for ${s.image} did not print an index: ${raw.slice(0, 200)}`)
  }
  return { target: s.target, image: s.image, digest: sha256(Buffer.from(raw, 'utf8')), raw, json, args }
}

/** What is wrong with a composed index before it is pushed: platforms and one attestation per platform. */
export function checkComposed(c: ComposedIndex, platforms: string[], attestations: boolean): string[] {
  return verifyImage({ image: c.image, index: c.json, digest: c.digest, platforms, attestations, tags: {} })
}

/** Pushes the composed index by digest (no tag) and confirms the registry serves it under that digest. */
export async function pushIndex(
  c: ComposedIndex,
  exists: (reference: string) => Promise<boolean>
): Promise<void> {
  const ref = `${c.image}@${c.digest}`
  await withRetry(`push of the index ${ref}`, () =>
    run('docker', withFlags(c.args, '--tag', ref), { silent: true })
  )
  if (!(await exists(ref))) {
    throw new Error(
      `Pushed the index of ${c.image}, but the registry has no ${ref}: buildx pushed different bytes than its ` +
        'dry run printed. No tag was moved.'
    )
  }
  core.info(`${c.target}: index ${ref} pushed (untagged)`)
}

/** Every leg's digest is in the registry and holds exactly its platform; throws naming each leg that does not. */
export async function checkLegs(client: RegistryClient, sources: TargetSources[]): Promise<void> {
  const problems: string[] = []
  for (const s of sources) {
    for (const platform of s.platforms) {
      const ref = `${s.image}@${s.digests[platform]}`
      const m = await client.getManifest(ref)
      if (!m) problems.push(`${s.target} ${platform}: ${ref} is not in the registry`)
      // A leg built without attestations may push a bare platform manifest: imagetools takes it as it is.
      else if (m.json.manifests) {
        const at = { image: s.image, index: m.json, digest: m.digest, attestations: false, tags: {} }
        problems.push(
          ...verifyImage({ ...at, platforms: [platform] }).map(d => `${s.target} ${platform}: ${d}`)
        )
      }
      core.info(`${s.target} ${platform}: ${ref}`)
    }
  }
  if (problems.length) {
    throw new Error(
      [
        'Cannot merge: build leg digests do not match the plan; no tag moved:',
        ...problems.map(p => `  ${p}`)
      ].join('\n')
    )
  }
}

/** Composes and checks every target's index first, then pushes each by digest; still no tag. */
export async function pushIndexes(
  client: RegistryClient,
  sources: TargetSources[],
  rows: TargetResult[],
  o: { annotations: string[]; builder?: string; attestations: boolean }
): Promise<void> {
  const composed: ComposedIndex[] = []
  const diffs: string[] = []
  for (const s of sources) {
    const c = await composeIndex(s, o.annotations, o.builder)
    diffs.push(...checkComposed(c, s.platforms, o.attestations))
    composed.push(c)
  }
  if (diffs.length) {
    throw new Error(
      [
        'The composed indexes are not what the plan asks for; nothing pushed, no tag moved:',
        ...diffs.map(d => `  ${d}`)
      ].join('\n')
    )
  }
  const exists = async (ref: string) => (await client.getManifest(ref)) !== undefined
  for (const c of composed) {
    await pushIndex(c, exists)
    const row = rows.find(r => r.target === c.target) as TargetResult
    pushedByDigest(row, c.digest, 'index pushed by digest, not tagged yet')
    indexRead(row, platformManifests(c.json))
  }
}
