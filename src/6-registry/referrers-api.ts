// Where OCI 1.1 keeps what refers to a manifest (its referrers: signatures, attestations, other artifacts), as the
// distribution spec defines it (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers):
// the referrers API of registries that have it, else an index under the referrers tag schema's fallback tag
// `sha256-<hex of the subject>`. Both the signer and the preview clean-up find referrers through these: the API
// listing (RegistryClient.referrers) and the fallback tag's name, either way round.
import { HttpError } from '../lib/retry.js'
import { MEDIA_TYPES, type Descriptor, type ManifestJson } from './manifest.js'
import { imageName, type ImageRef } from './reference.js'
import type { RegistryTransport } from './upload.js'

/** The referrers tag schema's tag for a subject digest: `sha256:ab…` → `sha256-ab…`. */
export function referrersTag(digest: string): string {
  if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) throw new Error(`Not a digest: '${digest}'`)
  return digest.replace(':', '-')
}

/** The subject a `sha256-<hex>` referrers fallback tag (or cosign's `sha256-<hex>.sig|.att|.sbom`) belongs to. */
export function fallbackTagSubject(tag: string): string | undefined {
  const m = /^sha256-([0-9a-f]{64})(?:\.[a-z]+)?$/.exec(tag)
  return m ? `sha256:${m[1]}` : undefined
}

/**
 * The referrers of a manifest from `GET /v2/<name>/referrers/<digest>` (OCI distribution 1.1). A registry that
 * implements it answers an image index, empty when nothing refers; anything else (distribution 2.8 answers a
 * plain-text 404) means the API is absent and referrers live under `sha256-<hex>` fallback tags instead.
 */
export async function referrersFromApi(
  t: RegistryTransport,
  ref: ImageRef,
  digest: string
): Promise<Descriptor[] | undefined> {
  const url = `${t.repositoryUrl(ref)}/referrers/${digest}`
  return t.attempt(`list referrers of ${imageName(ref)}@${digest}`, ref, async () => {
    let res: Response
    try {
      res = await t.request('GET', url, ref, { accept: MEDIA_TYPES.ociIndex })
    } catch (e) {
      // Registries without the API may also answer 400 or 405 to the unknown route.
      if (e instanceof HttpError && (e.status === 400 || e.status === 405)) return undefined
      throw e
    }
    const type = res.headers.get('content-type')?.split(';')[0].trim() ?? ''
    if (res.status === 404 || type !== MEDIA_TYPES.ociIndex) {
      await res.body?.cancel()
      return undefined
    }
    const index = (await res.json()) as ManifestJson
    return index.manifests ?? []
  })
}
