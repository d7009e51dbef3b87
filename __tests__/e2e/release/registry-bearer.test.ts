// The Bearer token flow (https://distribution.github.io/distribution/spec/auth/token/), as GHCR and Docker Hub
// use it, against a real registry: distribution 2.8 (`docker-registry`, from scripts/e2e-env.sh) started here
// in token-auth mode, trusting a throw-away certificate. The token server is this test's: it checks Basic
// credentials, grants anonymous pull (like a public GHCR package) and signs ES256 JWTs the registry verifies.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createPrivateKey, createSign, X509Certificate, randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { RegistryClient } from '../../../src/6-registry/client.js'
import { HttpError } from '../../../src/lib/retry.js'
import { seedImage, type Seeded } from './registry-seed.js'

const USER = 'bearer-user'
const PASSWORD = 'bearer-Pa55-7c1d'
const SERVICE = 'e2e-bearer-registry'
const ISSUER = 'e2e-token-issuer'
const repo = 'team/app'

jest.spyOn(process.stdout, 'write').mockImplementation(() => true)

interface TokenRequest {
  user?: string
  scope: string | null
  service: string | null
}

let dir = ''
let registryProcess: ChildProcess | undefined
let tokenServer: http.Server | undefined
let registry = ''
const tokenRequests: TokenRequest[] = []
let seeded: Seeded
let pushToken = ''

const freePort = () =>
  new Promise<number>(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url')

function signToken(key: ReturnType<typeof createPrivateKey>, certDer: Buffer, sub: string, access: object[]) {
  const now = Math.floor(Date.now() / 1000)
  const header = { alg: 'ES256', typ: 'JWT', x5c: [certDer.toString('base64')] }
  const claims = {
    iss: ISSUER,
    sub,
    aud: SERVICE,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access
  }
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  const signature = createSign('SHA256').update(input).sign({ key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64url(signature)}`
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bearer-registry-'))
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', `/CN=${ISSUER}`
  ]) // prettier-ignore
  const key = createPrivateKey(await readFile(path.join(dir, 'key.pem')))
  const certDer = new X509Certificate(await readFile(path.join(dir, 'cert.pem'))).raw

  tokenServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token')
    const auth = req.headers.authorization ?? ''
    let user: string | undefined
    if (auth.startsWith('Basic ')) {
      const [u, p] = Buffer.from(auth.slice(6), 'base64').toString().split(':')
      if (u !== USER || p !== PASSWORD) {
        res.writeHead(401, { 'content-type': 'application/json' })
        return res.end('{"details":"incorrect username or password"}')
      }
      user = u
    }
    const scope = url.searchParams.get('scope')
    tokenRequests.push({ user, scope, service: url.searchParams.get('service') })
    const [type, name, actions] = (scope ?? '').split(':')
    const granted = user ? actions.split(',') : actions.split(',').filter(a => a === 'pull')
    const token = signToken(key, certDer, user ?? '', scope ? [{ type, name, actions: granted }] : [])
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ token, expires_in: 300 }))
  })
  await new Promise<void>(resolve => tokenServer!.listen(0, '127.0.0.1', resolve))
  const tokenPort = (tokenServer.address() as net.AddressInfo).port

  const port = await freePort()
  registry = `127.0.0.1:${port}`
  const config = [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "${registry}"}`,
    'auth:',
    '  token:',
    `    realm: http://127.0.0.1:${tokenPort}/token`,
    `    service: ${SERVICE}`,
    `    issuer: ${ISSUER}`,
    `    rootcertbundle: ${path.join(dir, 'cert.pem')}`
  ].join('\n')
  await writeFile(path.join(dir, 'config.yml'), config)
  registryProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' })
  for (let i = 0; ; i++) {
    const res = await fetch(`http://${registry}/v2/`).catch(() => undefined)
    if (res?.status === 401) break
    if (i > 100) throw new Error('token-auth registry did not start')
    await new Promise(r => setTimeout(r, 100))
  }
  // Seed with a push token, as docker would get one.
  const push = (pushToken = signToken(key, certDer, USER, [
    { type: 'repository', name: repo, actions: ['pull', 'push'] }
  ]))
  seeded = await seedImage(registry, repo, ['v1.0.0', 'v1', 'latest'], { auth: `Bearer ${push}` })
}, 60_000)

afterAll(async () => {
  registryProcess?.kill()
  await new Promise(resolve => tokenServer?.close(resolve))
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('Bearer token flow against distribution 2.8 in token-auth mode', () => {
  it('the registry really requires a token', async () => {
    const res = await fetch(`http://${registry}/v2/${repo}/tags/list`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm=".*",service="e2e-bearer-registry",scope=/
    )
    const url = `http://${registry}/v2/${repo}/tags/list`
    expect((await fetch(url, { headers: { authorization: `Bearer ${pushToken}` } })).status).toBe(200)
    // It verifies signatures: the same token with another signature is refused.
    const forged = pushToken.replace(/\.[^.]+$/, `.${Buffer.alloc(64, 7).toString('base64url')}`)
    expect((await fetch(url, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401)
  })

  it('with credentials: one token per repository scope, reused across calls', async () => {
    tokenRequests.length = 0
    const client = new RegistryClient({ credentials: { [registry]: { username: USER, password: PASSWORD } } })
    expect((await client.listTags(`${registry}/${repo}`))?.sort()).toEqual(['latest', 'v1', 'v1.0.0'])
    expect(await client.headDigest(`${registry}/${repo}:v1`)).toBe(seeded.digest)
    expect((await client.getManifest(`${registry}/${repo}:latest`))?.digest).toBe(seeded.digest)
    expect(tokenRequests).toEqual([{ user: USER, scope: `repository:${repo}:pull`, service: SERVICE }])
  })

  it('anonymous: the token server grants pull, the client needs no credentials', async () => {
    tokenRequests.length = 0
    const client = new RegistryClient()
    expect(await client.headDigest(`${registry}/${repo}:v1.0.0`)).toBe(seeded.digest)
    expect(tokenRequests).toEqual([{ user: undefined, scope: `repository:${repo}:pull`, service: SERVICE }])
  })

  it('a wrong password: 401 from the token server, not retried, password not in the message', async () => {
    tokenRequests.length = 0
    const wrong = `wrong-${PASSWORD}`
    const client = new RegistryClient({ credentials: { [registry]: { username: USER, password: wrong } } })
    const error = await client.listTags(`${registry}/${repo}`).catch(e => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(401)
    expect((error as Error).message).toMatch(new RegExp(`token request .* 401 Unauthorized \\(as ${USER}\\)`))
    expect((error as Error).message).not.toContain(wrong)
  })
})
