// Removing one tag from a manifest that must stay. Registries delete manifests by digest (which takes every tag
// on them along); distribution 2.8 refuses a DELETE by tag (400 DIGEST_INVALID), and GitHub Packages deletes
// whole versions. So the tag is first moved onto a tiny placeholder manifest of its own, which the caller then
// deletes by digest: the tag goes with it, the manifest the tag used to name stays with its other tags. This is
// how regclient's `tag delete` works on registries without tag deletion.
import { randomBytes } from 'node:crypto'
import type { RegistryClient } from './client.js'
import { EMPTY_DESCRIPTOR, MEDIA_TYPES } from './manifest.js'
import { memoryBlob } from './upload.js'

export const PLACEHOLDER_ARTIFACT_TYPE = 'application/vnd.blacklake.multiarch-action.untag.v1+json'

/** Points `image:tag` at a fresh placeholder manifest; returns the placeholder's digest, to delete next. */
export async function pushPlaceholder(client: RegistryClient, image: string, tag: string): Promise<string> {
  await client.pushBlob(image, memoryBlob(Buffer.from('{}')))
  const empty = { ...EMPTY_DESCRIPTOR }
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: PLACEHOLDER_ARTIFACT_TYPE,
    config: empty,
    layers: [empty],
    annotations: {
      'org.opencontainers.image.description': `Placeholder that removes the tag ${tag}; deleted right after it is pushed.`,
      // Unique, so the placeholder never shares a digest with anything else in the repository.
      'vnd.blacklake.untag.nonce': randomBytes(8).toString('hex')
    }
  }
  return client.pushManifest(image, tag, {
    mediaType: MEDIA_TYPES.ociManifest,
    raw: Buffer.from(JSON.stringify(manifest))
  })
}
