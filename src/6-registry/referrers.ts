// OCI 1.1 referrers: artifacts that point at a manifest through their `subject` (signature bundles here), stored
// the way cosign 3 writes and finds them (https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md):
//   - the artifact is an OCI image manifest with `artifactType`, the empty config, one layer (the payload blob)
//     and `subject` = the signed manifest's descriptor, pushed by digest (never under a tag);
//   - registries with the referrers API (`GET /v2/<name>/referrers/<digest>`) index it themselves;
//   - registries without it (a 404 there, e.g. docker-registry 2.8) get the referrers tag schema: an OCI index
//     tagged `sha256-<hex of the subject digest>` listing every referrer, which each writer reads, extends and
//     PUTs back (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema).
// Listing reads the API first and the fallback tag on a 404, as cosign does. The PR-preview clean-up deletes
// signatures through `listReferrers` and `detachFromTagSchema`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { RegistryClient } from './client.js'
import { MEDIA_TYPES, type Descriptor, type ManifestJson } from './manifest.js'
import { sha256 } from './upload.js'

/** The empty config descriptor of artifact manifests (`{}`). */
export const EMPTY_CONFIG = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2
} as const

/** The referrers tag schema's tag for a subject digest: `sha256:ab…` → `sha256-ab…`. */
export function referrersTag(digest: string): string {
  if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) throw new Error(`Not a digest: '${digest}'`)
  return digest.replace(':', '-')
}

export interface Referrers {
  /** Where the list came from: the registry's referrers API, or the fallback tag. */
  source: 'api' | 'tag-schema'
  /** Referrer descriptors (artifactType, digest, size, annotations); [] when there are none. */
  manifests: Descriptor[]
}

/** Referrers of `digest` in `image`'s repository, optionally only those of one artifact type. */
export async function listReferrers(
  client: RegistryClient,
  image: string,
  digest: string,
  artifactType?: string
): Promise<Referrers> {
  const api = await client.referrers(image, digest)
  const all = api ?? (await client.getManifest(`${image}:${referrersTag(digest)}`))?.json?.manifests ?? []
  return {
    source: api ? 'api' : 'tag-schema',
    manifests: artifactType ? all.filter(m => m.artifactType === artifactType) : all
  }
}

/** An artifact to attach: its type, payload (one layer) and manifest annotations. */
export interface ReferrerArtifact {
  artifactType: string
  payload: Buffer
  /** Media type of the payload layer (default the artifact type). */
  layerMediaType?: string
  annotations: Record<string, string>
  /** Annotations of the payload layer (e.g. `org.opencontainers.image.title`). */
  layerAnnotations?: Record<string, string>
}

/** The artifact manifest of `artifact` for `subject` (deterministic for the same inputs). */
export function referrerManifest(subject: Descriptor, artifact: ReferrerArtifact): ManifestJson {
  const layer: Descriptor = {
    mediaType: artifact.layerMediaType ?? artifact.artifactType,
    digest: sha256(artifact.payload),
    size: artifact.payload.length,
    ...(artifact.layerAnnotations ? { annotations: artifact.layerAnnotations } : {})
  }
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: artifact.artifactType,
    config: { ...EMPTY_CONFIG },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: artifact.annotations
  }
}

/** `index` with `entry` added (an entry of the same digest is replaced), as the tag schema's index. */
export function withReferrer(index: ManifestJson | undefined, entry: Descriptor): ManifestJson {
  const kept = (index?.manifests ?? []).filter(m => m.digest !== entry.digest)
  return { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...kept, entry] }
}

/** Uploads small in-memory blobs through the client's file-based upload. */
async function pushBlobs(client: RegistryClient, image: string, blobs: Buffer[]): Promise<void> {
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'referrer-'))
  try {
    for (const [i, bytes] of blobs.entries()) {
      const file = path.join(dir, String(i))
      await writeFile(file, bytes)
      await client.pushBlob(image, { digest: sha256(bytes), size: bytes.length, path: file })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Attaches `artifact` to `subject` in `image`'s repository: blobs, then the artifact manifest by digest, then
 * (registry without the referrers API) the fallback index under `sha256-<hex>`. Returns the referrer's descriptor.
 * No tag of the image moves: the only tag written is the fallback's, which names no image.
 */
export async function attachReferrer(
  client: RegistryClient,
  image: string,
  subject: Descriptor,
  artifact: ReferrerArtifact
): Promise<{ descriptor: Descriptor; source: Referrers['source'] }> {
  await pushBlobs(client, image, [Buffer.from('{}'), artifact.payload])
  const manifest = referrerManifest(subject, artifact)
  const raw = Buffer.from(JSON.stringify(manifest))
  const digest = await client.pushManifest(image, sha256(raw), { mediaType: MEDIA_TYPES.ociManifest, raw })
  const descriptor: Descriptor = {
    mediaType: MEDIA_TYPES.ociManifest,
    digest,
    size: raw.length,
    artifactType: artifact.artifactType,
    annotations: artifact.annotations
  }
  if ((await client.referrers(image, subject.digest)) !== undefined) return { descriptor, source: 'api' }
  const tag = referrersTag(subject.digest)
  const index = withReferrer((await client.getManifest(`${image}:${tag}`))?.json, descriptor)
  await client.pushManifest(image, tag, {
    mediaType: MEDIA_TYPES.ociIndex,
    raw: Buffer.from(JSON.stringify(index))
  })
  return { descriptor, source: 'tag-schema' }
}

/**
 * Removes referrers from a subject's fallback index (the tag schema); the index tag is deleted by the caller when
 * nothing is left (`remaining` is 0). Registries with the referrers API drop a referrer when its manifest is
 * deleted, so there is nothing to do for them.
 */
export async function detachFromTagSchema(
  client: RegistryClient,
  image: string,
  subjectDigest: string,
  referrerDigests: string[]
): Promise<{ remaining: number }> {
  const tag = referrersTag(subjectDigest)
  const current = (await client.getManifest(`${image}:${tag}`))?.json
  if (!current) return { remaining: 0 }
  const drop = new Set(referrerDigests)
  const manifests = (current.manifests ?? []).filter(m => !drop.has(m.digest))
  if (manifests.length === (current.manifests ?? []).length) return { remaining: manifests.length }
  if (manifests.length) {
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }
    await client.pushManifest(image, tag, {
      mediaType: MEDIA_TYPES.ociIndex,
      raw: Buffer.from(JSON.stringify(index))
    })
  }
  return { remaining: manifests.length }
}
