// The Sigstore stand-in at protocol level: the runner's token endpoint hands tokens only to a registered job,
// its Fulcio checks what the real one checks (issuer signature, audience, the GitHub identity it certifies), its
// Rekor stores dsse entries in Rekor's canonical form, and the trusted root describes exactly these services.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import {
  type SigstoreStandIn,
  rekorCanonical,
  startSigstoreStandIn
} from '../../scripts/harness/sigstore/stand-in.mjs'

let s: SigstoreStandIn
const job = { repository: 'blacklake/demo', ref: 'refs/tags/v1.2.3', sha: 'a'.repeat(40) }
beforeAll(async () => {
  s = await startSigstoreStandIn()
})
afterAll(async () => s?.close())

async function token(
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string },
  audience = 'sigstore'
) {
  return fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}`, {
    headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` }
  })
}
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

function certRequest(oidcIdentityToken: string) {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return fetch(`${s.url}/api/v2/signingCert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      credentials: { oidcIdentityToken },
      publicKeyRequest: {
        publicKey: {
          algorithm: 'ECDSA',
          content: publicKey.export({ format: 'pem', type: 'spki' }).toString()
        },
        proofOfPossession: ''
      }
    })
  })
}

describe('ID token endpoint', () => {
  it("gives a registered job a token with GitHub's claims for the asked audience", async () => {
    const res = await token(s.job(job))
    expect(res.status).toBe(200)
    const { value } = (await res.json()) as { value: string }
    expect(claims(value)).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sigstore',
      job_workflow_ref: 'blacklake/demo/.github/workflows/release.yml@refs/tags/v1.2.3',
      ref: 'refs/tags/v1.2.3'
    })
    expect(s.issued).toContain(value)
  })
  it('refuses an unknown request token', async () => {
    const res = await token({ ...s.job(job), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'guess' })
    expect(res.status).toBe(401)
  })
})

describe('Fulcio-compatible CA', () => {
  it('certifies the workflow identity with the issuer extension and an embedded SCT', async () => {
    const { value } = (await (await token(s.job(job))).json()) as { value: string }
    const res = await certRequest(value)
    expect(res.status).toBe(201)
    const body = (await res.json()) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } }
    const [leaf, root] = body.signedCertificateEmbeddedSct.chain.certificates.map(p => new X509Certificate(p))
    expect(leaf.subjectAltName).toBe(`URI:${s.identityOf(job)}`)
    expect(leaf.verify(root.publicKey)).toBe(true)
    expect(leaf.raw.includes(Buffer.from(s.issuer))).toBe(true)
    const trusted = JSON.parse(await readFile(s.trustedRootPath, 'utf8'))
    expect(trusted.certificateAuthorities[0].certChain.certificates[0].rawBytes).toBe(
      root.raw.toString('base64')
    )
  })
  it.each([
    [
      'a token the issuer did not sign',
      (t: string) => `${t.split('.').slice(0, 2).join('.')}.${Buffer.from('x').toString('base64url')}`
    ],
    ['a token for another audience', undefined]
  ])('refuses %s', async (_name, tamper) => {
    const res = await token(s.job(job), tamper ? 'sigstore' : 'https://github.com/blacklake')
    const { value } = (await res.json()) as { value: string }
    const refused = await certRequest(tamper ? tamper(value) : value)
    expect(refused.status).toBe(401)
  })
  it('answers 503 while down', async () => {
    const { value } = (await (await token(s.job(job))).json()) as { value: string }
    s.setDown(true)
    try {
      expect((await certRequest(value)).status).toBe(503)
    } finally {
      s.setDown(false)
    }
  })
})

describe('Rekor-compatible log', () => {
  it('stores a dsse proposal as Rekor does: hashes and signature/verifier pairs', () => {
    const envelope = JSON.stringify({
      payload: Buffer.from('{}').toString('base64'),
      payloadType: 'x',
      signatures: [{ sig: 'c2ln' }]
    })
    const canonical = rekorCanonical({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: { proposedContent: { envelope, verifiers: ['dmVyaWZpZXI='] } }
    })
    const hex = (d: string | Buffer) => createHash('sha256').update(d).digest('hex')
    expect(canonical).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: hex(envelope) },
        payloadHash: { algorithm: 'sha256', value: hex(Buffer.from('{}')) },
        signatures: [{ signature: 'c2ln', verifier: 'dmVyaWZpZXI=' }]
      }
    })
  })
  it('answers a proposal with a log entry whose log ID the trusted root names', async () => {
    const res = await fetch(`${s.url}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: '0.0.1', kind: 'hashedrekord', spec: {} })
    })
    expect(res.status).toBe(201)
    const entry = Object.values(
      (await res.json()) as Record<string, { logID: string; verification: object }>
    )[0]
    const trusted = JSON.parse(await readFile(s.trustedRootPath, 'utf8'))
    expect(Buffer.from(entry.logID, 'hex').toString('base64')).toBe(trusted.tlogs[0].logId.keyId)
    expect(entry.verification).toHaveProperty('signedEntryTimestamp')
  })
})
