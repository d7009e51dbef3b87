import { describe, expect, it } from '@jest/globals'
import { ExecError } from '../../src/lib/exec.js'
import { loginError, resolveCredentials } from '../../src/6-registry/docker-login.js'
import { fixture, jsonFixture } from '../helpers/bake-fixtures.js'
import { type ManifestJson, platformManifests } from '../../src/6-registry/manifest.js'
import { redact } from '../../src/lib/secrets.js'

describe('credentials', () => {
  const defaults = { actor: 'octocat', token: 'ghs_token' }
  it.each([
    [
      'ghcr.io defaults to the actor and the workflow token',
      'ghcr.io',
      '',
      '',
      { registry: 'ghcr.io', username: 'octocat', password: 'ghs_token' }
    ],
    [
      'explicit inputs win on ghcr.io',
      'ghcr.io',
      'bot',
      'pat',
      { registry: 'ghcr.io', username: 'bot', password: 'pat' }
    ],
    ['other registries: no password, no login', 'localhost:5000', '', '', undefined],
    [
      'other registries with both',
      'localhost:5001',
      'e2e-user',
      'pw',
      { registry: 'localhost:5001', username: 'e2e-user', password: 'pw' }
    ]
  ])('%s', (_name, registry, user, pass, expected) => {
    expect(resolveCredentials(registry, user, pass, defaults)).toEqual(expected)
  })

  it('asks for a username when only a password is given', () => {
    expect(() => resolveCredentials('localhost:5001', '', 'pw', defaults)).toThrow(
      /no username: set the username input/
    )
  })
})

describe('login errors', () => {
  it('turn the registry’s answer into a clear message without the password', () => {
    const password = 'wrong-Secret-123'
    const stderr = fixture('docker-login-401.stderr.txt') + `\nechoed ${password}\n`
    const e = new ExecError('docker login', { exitCode: 1, stdout: '', stderr })
    const message = loginError({ registry: 'localhost:5001', username: 'e2e-user', password }, e).message
    expect(message).toBe(
      'Login to localhost:5001 as e2e-user failed: login attempt to http://localhost:5001/v2/ failed with status: ' +
        '401 Unauthorized. The registry rejected the credentials: check the username and password inputs.'
    )
    expect(message).not.toContain(password)
    expect(redact(`a ${password} b ${password}`, password)).toBe('a *** b ***')
  })
})

describe('pushed index', () => {
  it('maps platforms to manifests, leaving attestation manifests out (captured imagetools inspect --raw)', () => {
    const index = jsonFixture<ManifestJson>('index-raw.json')
    expect(index.manifests).toHaveLength(4)
    expect(platformManifests(index)).toEqual({
      'linux/amd64': 'sha256:b3c37f13017b50c69cc1f434330c1c535f472ec6b4bc3bf8d91a791dee4d17ed',
      'linux/arm64': expect.stringMatching(/^sha256:829c56a7/)
    })
  })
})
