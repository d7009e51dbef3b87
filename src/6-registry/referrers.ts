// OCI 1.1 referrers: artifacts that point at a manifest through their `subject` (signature bundles here), stored
// the way cosign 3 writes and finds them (https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md):
//   - the artifact is an OCI image manifest with `artifactType`, the empty config, one layer (the payload blob)
//     and `subject` = the signed manifest's descriptor, pushed by digest (never under a tag);
//   - registries with the referrers API (`GET /v2/<name>/referrers/<digest>`) index it themselves;
//   - registries without it (a 404 there, e.g. docker-registry 2.8) get the referrers tag schema: an OCI index
//     tagged `sha256-<hex of the subject digest>` listing every referrer, which each writer reads, extends and
//     PUTs back (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema).
// Listing reads the API first and the fallback tag on a 404, as cosign does (the API call and the tag's name
// are referrers-api.ts's, which the preview clean-up's walk uses too).
import type { RegistryClient } from './client.js'
import { EMPTY_DESCRIPTOR, MEDIA_TYPES, type Descriptor, type ManifestJson } from './manifest.js'
import { referrersTag } from './referrers-api.js'
import { memoryBlob, sha256 } from './upload.js'

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
    config: { ...EMPTY_DESCRIPTOR },
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
  for (const bytes of [Buffer.from('{}'), artifact.payload]) await client.pushBlob(image, memoryBlob(bytes))
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
