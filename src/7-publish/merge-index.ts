// One index per target from its per-platform digests, with `docker buildx imagetools create`. Each source is
// a leg's own index (its platform manifest plus that platform's attestation manifest); imagetools copies every
// descriptor of every source into the new index, so SBOM and provenance stay attached to their platform.
//
// Pushing without moving a tag: `--dry-run` prints the exact index; its digest is the SHA-256 of those bytes
// (buildx prints them followed by one newline). Then the same command with `--tag IMAGE@DIGEST` pushes that
// index by digest only — buildx 0.13 pushes a manifest under its own digest when the reference is a digest —
// and the registry is asked for IMAGE@DIGEST to confirm. Tags move later, through the main action's tagging (publish.tagAll).
import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import { run } from '../lib/exec.js'
import { withRetry } from '../lib/retry.js'
import { verifyImage } from './verify.js'
import type { TargetSources } from './merge-digests.js'
import { type ManifestJson } from '../6-registry/manifest.js'

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

export const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`

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
  return { target: s.target, image: s.image, digest: sha256(raw), raw, json, args }
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
