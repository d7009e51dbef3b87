// The storage format of signatures against what cosign 3.1.1 wrote itself (fixtures/signing/README.md): the
// artifact manifest has cosign's fields, the fallback tag and index follow the referrers tag schema.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { referrerManifest, withReferrer } from '../../src/6-registry/referrers.js'
import { sha256 } from '../../src/6-registry/upload.js'
import { EMPTY_DESCRIPTOR, type ManifestJson } from '../../src/6-registry/manifest.js'
import { signatureArtifact } from '../../src/7-publish/sign/format.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/signing')
const json = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ManifestJson
const bytes = (f: string) => readFileSync(path.join(dir, f))

describe('referrers tag schema', () => {
  it('adds a referrer to an existing index and replaces one of the same digest', () => {
    const cosign = json('cosign-referrers-index.json')
    const ours = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: 'sha256:' + '1'.repeat(64),
      size: 9
    }
    const once = withReferrer(cosign, ours)
    expect(once.manifests?.map(m => m.digest)).toEqual([cosign.manifests?.[0].digest, ours.digest])
    const twice = withReferrer(once, { ...ours, size: 10 })
    expect(twice.manifests).toHaveLength(2)
    expect(twice.manifests?.[1].size).toBe(10)
    expect(withReferrer(undefined, ours)).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [ours]
    })
  })
})

describe('signature artifact manifest', () => {
  it('has the fields and annotations of the one cosign 3.1.1 wrote', () => {
    const cosign = json('cosign-artifact-manifest.json')
    const bundle = bytes('cosign-key-bundle.json')
    const created = new Date(cosign.annotations?.['org.opencontainers.image.created'] as string)
    const ours = referrerManifest(cosign.subject as never, signatureArtifact(bundle, created))
    expect(ours.artifactType).toBe(cosign.artifactType)
    expect(ours.annotations).toEqual(cosign.annotations)
    expect(ours.subject).toEqual(cosign.subject)
    expect(ours.layers).toEqual(cosign.layers)
    expect(ours.layers?.[0].digest).toBe(sha256(bundle))
    expect({ ...ours.config }).toEqual({
      mediaType: cosign.config?.mediaType,
      digest: cosign.config?.digest,
      size: cosign.config?.size
    })
    expect(EMPTY_DESCRIPTOR.digest).toBe(sha256(Buffer.from('{}')))
  })

  it('the action wrote exactly that shape in the e2e run, cosign verified it', () => {
    const stored = json('standin-artifact-manifest.json')
    const subject = readFileSync(path.join(dir, 'standin-subject.txt'), 'utf8').trim()
    expect(stored.subject?.digest).toBe(subject)
    const created = new Date(stored.annotations?.['org.opencontainers.image.created'] as string)
    const again = referrerManifest(
      stored.subject as never,
      signatureArtifact(bytes('standin-bundle.json'), created)
    )
    expect(again).toEqual(stored)
    const index = json('standin-referrers-index.json')
    expect(index.manifests?.[0]).toMatchObject({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      size: Buffer.byteLength(JSON.stringify(stored))
    })
  })
})
