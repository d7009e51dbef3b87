// merge sends its credential only to the registry it belongs to. The plan's registry is the htpasswd registry
// (localhost:5001, credentials from .e2e/env); one planned image lives on another registry: a local server that
// asks every client for Basic credentials and records what it gets. Merge logs in (real `docker login`, in a
// docker config of its own) and reads the legs from both: the other registry must never see the password,
// neither from docker nor from the action's registry client.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { e2eEnv, type E2eEnv } from '../../scripts/harness/e2e.mjs'
import { run } from '../../src/actions/merge/run.js'
import { planDocument } from '../helpers/plan-fixture.js'

let env: E2eEnv
let foreign: http.Server
let foreignHost = ''
const seen: { path: string; authorization?: string }[] = []

beforeAll(async () => {
  env = await e2eEnv()
  process.env.DOCKER_CONFIG = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
  foreign = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization })
    res.writeHead(401, {
      'www-authenticate': 'Basic realm="foreign"',
      'docker-distribution-api-version': 'registry/2.0'
    })
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
  })
  await new Promise<void>(resolve => foreign.listen(0, '127.0.0.1', resolve))
  foreignHost = `127.0.0.1:${(foreign.address() as { port: number }).port}`
})
afterAll(async () => {
  await new Promise(resolve => foreign?.close(resolve))
  delete process.env.DOCKER_CONFIG
})

describe('merge: the credential goes to its own registry only', () => {
  it('logs in to the plan registry; the other registry sees no credential at all', async () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const digest = `sha256:${'a'.repeat(64)}`
    const plan = planDocument({
      registry: env.E2E_AUTH_REGISTRY,
      images: [
        { target: 'api', image: `${env.E2E_AUTH_REGISTRY}/creds/api`, platforms: ['linux/amd64'] },
        { target: 'web', image: `${foreignHost}/creds/web`, platforms: ['linux/amd64'] }
      ]
    })
    const digests = JSON.stringify([
      { target: 'api', platform: 'linux/amd64', digest },
      { target: 'web', platform: 'linux/amd64', digest }
    ])
    const out: Record<string, string> = {}
    const report = await run({
      inputs: {
        plan,
        digests,
        username: env.E2E_AUTH_USER,
        password: env.E2E_AUTH_PASSWORD,
        githubToken: '',
        overwrite: false,
        attestations: true,
        builder: '',
        prComment: false,
        signing: { sign: 'false', signingKey: '', sigstoreConfig: '', githubAttestations: false }
      },
      sink: { output: (k, v) => void (out[k] = v), summary: async () => undefined }
    })
    process.exitCode = 0
    // The legs are not there (the digests are made up): merge stops at the legs check, after the logins.
    expect(report.error).toMatch(/not in the registry|401/)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.filter(r => r.authorization)).toEqual([])
    expect(JSON.stringify(seen)).not.toContain(
      Buffer.from(`${env.E2E_AUTH_USER}:`).toString('base64').slice(0, 8)
    )
  })
})
