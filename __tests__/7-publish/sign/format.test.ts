// The signed statement and the referrer annotations, against cosign 3.1.1's own signature (fixtures/signing).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  isSignatureReferrer,
  signStatement,
  signatureArtifact,
  statementOf
} from '../../../src/7-publish/sign/format.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/signing')
const cosignBundle = JSON.parse(readFileSync(path.join(dir, 'cosign-key-bundle.json'), 'utf8'))
const cosignDigest = 'sha256:2a2f4c149d728afcfd3a26a84dc24d80554adefe40ed0742525394c7ecc6fc36'

describe('the image-signature statement', () => {
  it('is byte for byte the statement cosign signs', () => {
    expect(signStatement(cosignDigest)).toEqual(Buffer.from(cosignBundle.dsseEnvelope.payload, 'base64'))
    expect(cosignBundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json')
  })

  it('reads back subjects and predicate type', () => {
    expect(statementOf(signStatement(cosignDigest))).toEqual({
      subjects: [cosignDigest],
      predicateType: 'https://sigstore.dev/cosign/sign/v1'
    })
  })
})

describe('referrer descriptors', () => {
  it('annotations at second precision, as cosign writes them', () => {
    const a = signatureArtifact(Buffer.from('{}'), new Date('2026-12-02T16:37:08.123Z'))
    expect(a.annotations['org.opencontainers.image.created']).toBe('2026-12-02T16:37:08Z')
    expect(a.artifactType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json')
  })

  it('tells signature bundles from other referrers', () => {
    const base = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:x', size: 1 }
    const bundle = 'application/vnd.dev.sigstore.bundle.v0.3+json'
    expect(isSignatureReferrer({ ...base, artifactType: bundle })).toBe(true)
    expect(
      isSignatureReferrer({
        ...base,
        artifactType: bundle,
        annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' }
      })
    ).toBe(false)
    expect(isSignatureReferrer({ ...base, artifactType: 'application/vnd.oci.empty.v1+json' })).toBe(false)
  })
})
