// In-process verification (the CLI's verify) of real bundles: the action's own keyless signature from the e2e
// run (cosign 3.1.1 verified the same bytes) and cosign's key-based signature (fixtures/signing/README.md).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeVerifier } from '../../../src/7-publish/sign/verify-images.js'
import { statementOf } from '../../../src/7-publish/sign/format.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/signing')
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8')
const trustedRoot = JSON.parse(read('standin-trusted_root.json'))
const bundle = JSON.parse(read('standin-bundle.json'))
const identity = 'https://github.com/blacklake/demo/.github/workflows/release.yml@refs/tags/v1.2.3'
const issuer = 'https://token.actions.githubusercontent.com'

describe('keyless bundles', () => {
  it('verify with the identity and issuer, and name the signed digest', () => {
    expect(makeVerifier({ trustedRoot, identity, issuer }).verify(bundle)).toEqual({ identity })
    expect(
      makeVerifier({ trustedRoot, identity: /^https:\/\/github\.com\/blacklake\//, issuer }).verify(bundle)
    ).toEqual({
      identity
    })
    const statement = statementOf(Buffer.from(bundle.dsseEnvelope.payload, 'base64'))
    expect(statement.subjects).toEqual([read('standin-subject.txt').trim()])
  })

  it.each([
    ['another workflow ref', { identity: identity.replace('v1.2.3', 'v9.9.9'), issuer }],
    ['another issuer', { identity, issuer: 'https://accounts.google.com' }]
  ])('are refused for %s', (_name, policy) => {
    expect(() => makeVerifier({ trustedRoot, ...policy }).verify(bundle)).toThrow()
  })

  it('are refused when the signature does not match the envelope', () => {
    const tampered = structuredClone(bundle)
    const payload = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString())
    payload.subject[0].digest.sha256 = '0'.repeat(64)
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64')
    expect(() => makeVerifier({ trustedRoot, identity, issuer }).verify(tampered)).toThrow()
  })

  it('are refused against another trust root (the public-good CA did not issue the stand-in certificate)', () => {
    const other = structuredClone(trustedRoot)
    other.certificateAuthorities[0].certChain.certificates[0].rawBytes = other.ctlogs[0].publicKey.rawBytes
    expect(() => makeVerifier({ trustedRoot: other, identity, issuer }).verify(bundle)).toThrow()
  })
})

describe('key-based bundles', () => {
  it("cosign's own key signature verifies with its public key, and not with another", () => {
    const cosign = JSON.parse(read('cosign-key-bundle.json'))
    const publicKey = read('cosign-key.pub')
    expect(makeVerifier({ trustedRoot, publicKey }).verify(cosign)).toEqual({ identity: 'key' })
    // Another P-256 key: the stand-in log's.
    const pem = `-----BEGIN PUBLIC KEY-----\n${trustedRoot.tlogs[0].publicKey.rawBytes}\n-----END PUBLIC KEY-----\n`
    expect(() => makeVerifier({ trustedRoot, publicKey: pem }).verify(cosign)).toThrow()
  })
})
