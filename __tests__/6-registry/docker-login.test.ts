import { describe, expect, it } from '@jest/globals'
import { ExecError } from '../../src/lib/exec.js'
import {
  login,
  loginError,
  resolveCredentials,
  type RegistryLogin
} from '../../src/6-registry/docker-login.js'
import { parseInputs } from '../../src/1-context/inputs.js'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fixture } from '../helpers/bake-fixtures.js'
import { redact } from '../../src/lib/secrets.js'

describe('credentials', () => {
  const defaults = { actor: 'octocat', token: 'ghs_token' }
  it.each([
    [
      'ghcr.io defaults to the actor and the workflow token',
      'ghcr.io',
      '',
      '',
      { registry: 'ghcr.io', username: 'octocat', password: 'ghs_token', defaulted: true }
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

  it('the registry input is lower-cased first, so GHCR.IO gets the default login too', () => {
    const registry = parseInputs(name => (name === 'registry' ? 'GHCR.IO' : '')).registry
    expect(resolveCredentials(registry, '', '', defaults)).toEqual({
      registry: 'ghcr.io',
      username: 'octocat',
      password: 'ghs_token',
      defaulted: true
    })
  })

  it('asks for a username when only a password is given', () => {
    expect(() => resolveCredentials('localhost:5001', '', 'pw', defaults)).toThrow(
      /no username: set the username input/
    )
  })
})

describe('an earlier login of the same registry', () => {
  const configDir = (config: object) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config))
    return dir
  }

  it('keeps it: the default ghcr.io login is skipped without running docker, and reported as not made', async () => {
    const env = { DOCKER_CONFIG: configDir({ auths: { 'ghcr.io': { auth: 'eDp5' } } }) }
    const c = resolveCredentials('ghcr.io', '', '', { actor: 'octocat', token: 'ghs_x' }) as RegistryLogin
    expect(await login(c, env)).toBe(false)
    expect(readFileSync(path.join(env.DOCKER_CONFIG, 'config.json'), 'utf8')).toBe(
      JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } } })
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
