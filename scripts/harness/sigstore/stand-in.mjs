// A local Sigstore stand-in on 127.0.0.1 for offline signing tests, one HTTP server with:
//   GET  /oidc/token?api-version=2.0&audience=…  the runner's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL):
//        a job's request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN, Bearer) buys a JWT with GitHub's claims for that
//        job, signed by the stand-in's issuer key (ES256);
//   POST /api/v2/signingCert                     a Fulcio-compatible CA: checks the token's signature, audience and
//        expiry as Fulcio does, takes the identity the way Fulcio's GitHub issuer does (SAN URI
//        `https://github.com/` + job_workflow_ref), and issues a certificate with an embedded SCT;
//   POST /api/v1/log/entries                     a Rekor-compatible transparency log (SET + inclusion proof),
//        storing entries in Rekor's canonical form (rekorCanonical).
// Certificates, SCTs and log entries are made by @sigstore/mock (sigstore-js's own fakes of those services); this
// file only serves them over HTTP and adds the token checks. `trustedRoot` and `signingConfig` describe the
// stand-in in the two formats cosign 3 and sigstore-js read (--trusted-root, --signing-config).
// The issuer claims to be GitHub's (`iss: https://token.actions.githubusercontent.com`) so the identity and
// issuer the tests verify are the ones users pass in production; only this stand-in's trusted root trusts it.
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import http from 'node:http'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
// The service modules, not the package index: the index loads nock, which would patch node:http in the test.
const { initializeCA, initializeCTLog, fulcioHandler } = require('@sigstore/mock/dist/fulcio/index.js')
const { initializeTLog, rekorHandler } = require('@sigstore/mock/dist/rekor/index.js')

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const b64url = buf => Buffer.from(buf).toString('base64url')
const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' })
const der = key => key.export({ format: 'der', type: 'spki' })

/** An ES256 JWT (the signature in IEEE P1363 form, as JOSE wants it). */
function signJwt(claims, privateKey, kid) {
  const head = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))
  const body = b64url(JSON.stringify(claims))
  const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: privateKey, dsaEncoding: 'ieee-p1363' })
  return `${head}.${body}.${b64url(sig)}`
}

/** Claims GitHub puts in a job's ID token (https://docs.github.com/actions/reference/openid-connect-reference). */
export function githubClaims(job, audience, now = Math.floor(Date.now() / 1000)) {
  const { repository, ref, sha, workflow = '.github/workflows/release.yml', event = 'push' } = job
  const owner = repository.split('/')[0]
  const workflowRef = `${repository}/${workflow}@${ref}`
  return {
    jti: randomBytes(8).toString('hex'),
    sub: `repo:${repository}:ref:${ref}`,
    aud: audience,
    ref,
    sha,
    repository,
    repository_owner: owner,
    repository_owner_id: '1000',
    repository_id: '2000',
    repository_visibility: 'public',
    run_id: '1000000001',
    run_number: '7',
    run_attempt: '1',
    actor: 'octocat',
    workflow: 'release',
    event_name: event,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    job_workflow_ref: job.jobWorkflowRef ?? workflowRef,
    job_workflow_sha: sha,
    workflow_ref: workflowRef,
    workflow_sha: sha,
    runner_environment: 'github-hosted',
    iss: GITHUB_ISSUER,
    nbf: now - 5,
    iat: now,
    exp: now + 300
  }
}

/** Fulcio's checks of an identity token: our issuer's signature, audience `sigstore`, not expired. */
function checkToken(token, issuerKey) {
  const [head, body, sig] = String(token).split('.')
  if (!sig) throw new Error('identity token is not a JWT')
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: issuerKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig, 'base64url')
  )
  if (!ok) throw new Error('identity token signature does not verify with the issuer key')
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!aud.includes('sigstore'))
    throw new Error(`identity token audience ${JSON.stringify(claims.aud)} is not sigstore`)
  if (claims.exp * 1000 < Date.now()) throw new Error('identity token expired')
  return claims
}

/**
 * What Rekor stores for a proposed entry: a `dsse` proposal (envelope + verifiers) becomes hashes and
 * signature/verifier pairs, as Rekor's dsse type canonicalizes it (the mock log stores proposals as sent, and
 * verifiers compare the stored body with the bundle). Other kinds pass through.
 */
export function rekorCanonical(proposed) {
  const content = proposed?.kind === 'dsse' ? proposed.spec?.proposedContent : undefined
  if (!content) return proposed
  const envelope = JSON.parse(content.envelope)
  const hex = data => createHash('sha256').update(data).digest('hex')
  return {
    apiVersion: proposed.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: hex(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((sig, i) => ({
        signature: sig.sig,
        verifier: content.verifiers[i]
      }))
    }
  }
}

const readBody = req =>
  new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

/**
 * Starts the stand-in. `job(claims)` registers a job and returns the two variables the runner gives it;
 * `calls` records every request (path, and whether it carried a request token); `setDown(true)` makes the
 * CA and the log answer 503 (a Sigstore outage); `close()` stops the server.
 */
export async function startSigstoreStandIn({ dir } = {}) {
  const issuer = ecKeys()
  const kid = createHash('sha256').update(der(issuer.publicKey)).digest('hex').slice(0, 16)
  const ctKeys = ecKeys()
  const caKeys = ecKeys()
  const tlogKeys = ecKeys()
  const ctlog = await initializeCTLog(ctKeys)
  const ca = await initializeCA(caKeys, ctlog)
  const jobs = new Map() // request token -> job
  const calls = []
  const issued = [] // every ID token handed out (tests check none leaks into the action's output)
  let down = false
  let tlog
  let fulcio
  let rekor

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const send = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
    const call = { method: req.method, path: url.pathname, audience: url.searchParams.get('audience') }
    calls.push(call)
    try {
      if (req.method === 'GET' && url.pathname === '/oidc/token') {
        const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
        const job = jobs.get(bearer)
        call.job = job?.repository
        if (!job) return send(401, { message: 'bad request token' })
        const audience =
          url.searchParams.get('audience') || `https://github.com/${job.repository.split('/')[0]}`
        const token = signJwt(githubClaims(job, audience), issuer.privateKey, kid)
        issued.push(token)
        return send(200, { value: token })
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
        return send(200, {
          keys: [{ ...issuer.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }]
        })
      }
      if (
        req.method === 'POST' &&
        (url.pathname === '/api/v2/signingCert' || url.pathname === '/api/v1/log/entries')
      ) {
        const body = await readBody(req)
        if (down) return send(503, { code: 503, message: 'stand-in is down' })
        if (url.pathname === '/api/v1/log/entries') {
          const r = await rekor.fn(JSON.stringify(rekorCanonical(JSON.parse(body))))
          return send(r.statusCode, r.response, r.contentType)
        }
        const request = JSON.parse(body)
        let claims
        try {
          claims = checkToken(request.credentials?.oidcIdentityToken, issuer.publicKey)
        } catch (e) {
          return send(401, {
            code: 401,
            message: `There was an error processing the identity token: ${e.message}`
          })
        }
        call.identity = `https://github.com/${claims.job_workflow_ref}`
        // The mock CA takes the SAN from one claim of an (unverified) token: hand it Fulcio's GitHub identity.
        const unsigned = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ ...claims, fulcio_san: call.identity }))}.`
        request.credentials.oidcIdentityToken = unsigned
        const r = await fulcio.fn(JSON.stringify(request))
        return send(r.statusCode, r.response, r.contentType)
      }
      send(404, { message: `no route ${req.method} ${url.pathname}` })
    } catch (e) {
      send(500, { message: e.message })
    }
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  tlog = await initializeTLog(url, tlogKeys)
  fulcio = fulcioHandler(ca, { subjectClaim: 'fulcio_san' })
  rekor = rekorHandler(tlog)

  // Valid from an hour ago: the trust material must predate every certificate and log entry it verifies.
  const start = new Date(Date.now() - 3600_000).toISOString()
  const pub = (keys, keyId) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: der(keys.publicKey).toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start }
    },
    logId: { keyId: keyId.toString('base64') }
  })
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [pub(tlogKeys, createHash('sha256').update(der(tlogKeys.publicKey)).digest())],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate).toString('base64') }] },
        validFor: { start }
      }
    ],
    ctlogs: [pub(ctKeys, Buffer.from(ctlog.logID))],
    timestampAuthorities: []
  }
  const service = { url, majorApiVersion: 1, validFor: { start }, operator: 'multiarch-e2e stand-in' }
  const signingConfig = {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [service],
    oidcUrls: [],
    rekorTlogUrls: [service],
    tsaUrls: [],
    rekorTlogConfig: { selector: 'ANY' }
  }
  const folder = dir ?? (await mkdtemp(path.join(tmpdir(), 'sigstore-stand-in-')))
  const trustedRootPath = path.join(folder, 'trusted_root.json')
  const signingConfigPath = path.join(folder, 'signing_config.json')
  await writeFile(trustedRootPath, JSON.stringify(trustedRoot, null, 2))
  await writeFile(signingConfigPath, JSON.stringify(signingConfig, null, 2))

  return {
    url,
    issuer: GITHUB_ISSUER,
    trustedRoot,
    signingConfig,
    trustedRootPath,
    signingConfigPath,
    calls,
    issued,
    issuerPublicKey: issuer.publicKey,
    /** Registers a job; returns the runner variables through which it asks for ID tokens. */
    job(job) {
      const requestToken = `stand-in-${randomBytes(16).toString('hex')}`
      jobs.set(requestToken, job)
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
      }
    },
    /** The SAN Fulcio gives a job's certificate: what `cosign verify --certificate-identity` expects. */
    identityOf: job =>
      `https://github.com/${job.jobWorkflowRef ?? `${job.repository}/${job.workflow ?? '.github/workflows/release.yml'}@${job.ref}`}`,
    setDown(value) {
      down = value
    },
    close: () => new Promise(resolve => server.close(resolve))
  }
}
