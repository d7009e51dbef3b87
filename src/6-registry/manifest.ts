// OCI and Docker manifests and indexes: the media types, the fields this action reads, and what an index holds
// (platform manifests, and the attestation manifests BuildKit adds as `unknown/unknown` entries annotated
// `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest: <platform manifest>`).
import { normalizePlatform } from '../lib/platform.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

/** The OCI empty descriptor (image-spec 1.1, the content `{}`): the config and layer of artifact manifests. */
export const EMPTY_DESCRIPTOR = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2
} as const

export const ALL_MANIFEST_TYPES = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest
]

export interface Manifest {
  digest: string
  mediaType: string
  /** Raw bytes as served (the digest is over these). */
  raw: string
  json: ManifestJson
}

/** The fields of OCI/Docker manifests and indexes this action reads. */
export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
  /** OCI 1.1: what an artifact manifest holds (a referrers index lists it per entry). */
  artifactType?: string
}
export interface ManifestJson {
  schemaVersion?: number
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
  annotations?: Record<string, string>
  /** OCI 1.1 artifact manifests: their type, and the manifest they refer to. */
  artifactType?: string
  subject?: Descriptor
}

export const ATTESTATION_TYPE = 'attestation-manifest'
const REF_TYPE = 'vnd.docker.reference.type'
const REF_DIGEST = 'vnd.docker.reference.digest'

/** A manifest descriptor's platform, normalized (`linux/arm64`); `(no platform)` when it has none. */
export function platformOf(d: Descriptor): string {
  const p = d.platform
  return p ? normalizePlatform([p.os, p.architecture, p.variant].filter(Boolean).join('/')) : '(no platform)'
}

/** Platform and attestation entries of an index. */
export function describeIndex(index: ManifestJson): {
  images: { platform: string; digest: string }[]
  attestations: { digest: string; subject: string | undefined }[]
} {
  const images: { platform: string; digest: string }[] = []
  const attestations: { digest: string; subject: string | undefined }[] = []
  for (const d of index.manifests ?? []) {
    if (d.annotations?.[REF_TYPE] === ATTESTATION_TYPE) {
      attestations.push({ digest: d.digest, subject: d.annotations[REF_DIGEST] })
    } else {
      images.push({ platform: platformOf(d), digest: d.digest })
    }
  }
  return { images, attestations }
}

/** Platform manifests of an index by normalized platform (attestation manifests left out). */
export function platformManifests(index: ManifestJson): Record<string, string> {
  return Object.fromEntries(describeIndex(index).images.map(i => [i.platform, i.digest]))
}
