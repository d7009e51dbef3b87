// Verification: what is in the registry is what was asked for. From the raw index of a pushed image (as
// RegistryClient.getManifest reads it), before any tag moves, check that every requested platform
// is there, that each platform has exactly one attestation manifest when attestations were requested (BuildKit
// stores them as `unknown/unknown` entries annotated `vnd.docker.reference.type: attestation-manifest` and
// `vnd.docker.reference.digest: <platform manifest>`), and that every tag resolves to the index that was pushed.
// The result is the exact list of differences; empty means verified.
import { describeIndex, type ManifestJson } from '../6-registry/manifest.js'
import { normalizePlatform } from '../lib/platform.js'

export interface VerifyInput {
  /** Image name, for messages (`localhost:5000/ns/api`). */
  image: string
  /** The index as the registry serves it (parsed JSON or the raw string). */
  index: ManifestJson | string
  /** Digest of the index that was pushed. */
  digest: string
  /** Platforms requested for the target (`linux/amd64`, `linux/arm/v7`). */
  platforms: string[]
  /** Whether SBOM/provenance attestations were requested. */
  attestations: boolean
  /** Each tag and the digest it resolves to in the registry now (undefined: the tag does not exist). */
  tags: Record<string, string | undefined> | Map<string, string | undefined>
}

const short = (digest: string | undefined) =>
  digest ? digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…') : ''

export function verifyImage(input: VerifyInput): string[] {
  const at = `${input.image}@${short(input.digest)}`
  const index: ManifestJson = typeof input.index === 'string' ? JSON.parse(input.index) : input.index
  const diffs: string[] = []
  if (!Array.isArray(index.manifests)) {
    diffs.push(
      `${at}: is a single-platform manifest (${index.mediaType ?? 'unknown media type'}), not an index`
    )
    return [...diffs, ...tagDiffs(input)]
  }
  const { images, attestations } = describeIndex(index)
  const requested = [...new Set(input.platforms.map(normalizePlatform))]
  const present = images.map(i => i.platform)
  for (const p of requested) {
    if (!present.includes(p))
      diffs.push(`${at}: platform ${p} is missing (index has ${present.join(', ') || 'none'})`)
  }
  for (const p of new Set(present)) {
    if (!requested.includes(p)) diffs.push(`${at}: platform ${p} was not requested`)
    const n = present.filter(x => x === p).length
    if (n > 1) diffs.push(`${at}: platform ${p} appears ${n} times`)
  }
  if (input.attestations) {
    for (const image of images) {
      const n = attestations.filter(a => a.subject === image.digest).length
      if (n !== 1) {
        diffs.push(
          `${at}: platform ${image.platform} has ${n} attestation manifests, expected 1 (${short(image.digest)})`
        )
      }
    }
  }
  for (const a of attestations) {
    if (!images.some(i => i.digest === a.subject)) {
      diffs.push(
        `${at}: attestation manifest ${short(a.digest)} points at ${short(a.subject) || 'nothing'}, not a platform of the index`
      )
    }
  }
  return [...diffs, ...tagDiffs(input)]
}

function tagDiffs(input: VerifyInput): string[] {
  const entries = input.tags instanceof Map ? [...input.tags.entries()] : Object.entries(input.tags)
  const diffs: string[] = []
  for (const [tag, digest] of entries) {
    if (!digest) diffs.push(`${input.image}:${tag} does not exist (expected ${short(input.digest)})`)
    else if (digest !== input.digest) {
      diffs.push(`${input.image}:${tag} resolves to ${short(digest)}, expected ${short(input.digest)}`)
    }
  }
  return diffs
}

/** The error message when verification found differences. */
export function verificationMessage(diffs: string[]): string {
  return [
    `Post-push verification failed (${diffs.length} difference${diffs.length === 1 ? '' : 's'}):`,
    ...diffs.map(d => `  ${d}`)
  ].join('\n')
}
