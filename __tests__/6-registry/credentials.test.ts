// Credentials from the docker config, as the docker CLI finds them: credHelpers, then credsStore, then auths.
// The config of a real `docker login` (fixtures/docker-config/) and a credential helper run for real
// (fixtures/credential-helper/docker-credential-e2e, the helper protocol's `get`) through the exec wrapper.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  decodeAuth,
  dockerConfigResolver,
  helperGet,
  registryCredentials
} from '../../src/6-registry/credentials.js'
import { credentialSource, readDockerConfig } from '../../src/6-registry/docker-config.js'

const fixtures = path.join(import.meta.dirname, '../fixtures')
const SECRET = 'helper-Secret-5b1e0c9d'
const savedPath = process.env.PATH
// The helper, copied into a directory of its own on PATH, with the store it answers from beside it.
const helperDir = mkdtempSync(path.join(tmpdir(), 'helper-'))

beforeAll(() => {
  copyFileSync(
    path.join(fixtures, 'credential-helper/docker-credential-e2e'),
    path.join(helperDir, 'docker-credential-e2e')
  )
  writeFileSync(
    path.join(helperDir, 'store.json'),
    JSON.stringify({ 'localhost:5001': { Username: 'robot', Secret: SECRET } })
  )
  process.env.PATH = `${helperDir}${path.delimiter}${process.env.PATH}`
})
afterAll(() => {
  process.env.PATH = savedPath
})

/** A config directory holding this config.json. */
function configDir(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config))
  return dir
}

describe('auths entries', () => {
  it('reads the auths entry a real `docker login` wrote', async () => {
    const config = await readDockerConfig(path.join(fixtures, 'docker-config/login-localhost-5001.json'))
    const source = credentialSource(config, 'localhost:5001')
    expect(source).toHaveProperty('auth')
    const creds = decodeAuth((source as { auth: { auth: string } }).auth, 'auths')
    expect(creds?.username).toBe('e2e-user')
    expect(creds?.password).toMatch(/^e2e-/)
    expect(credentialSource(config, 'localhost:5000')).toBeUndefined()
  })

  it('refuses identity tokens, saying what to do instead', () => {
    expect(() => decodeAuth({ identitytoken: 'eyJ.x.y' }, 'The auths entry for acr.example')).toThrow(
      /identity token, which this action cannot use; log in with a username and password/
    )
  })
})

describe('credential helpers', () => {
  it('returns what the helper holds for the address', async () => {
    expect(await helperGet('e2e', 'localhost:5001', 'credHelpers')).toEqual({
      username: 'robot',
      password: SECRET
    })
  })

  it('is anonymous when the helper holds nothing for the address', async () => {
    expect(await helperGet('e2e', 'ghcr.io', 'credHelpers')).toBeUndefined()
  })

  it('names a missing helper and where it was configured', async () => {
    await expect(helperGet('nosuch', 'localhost:5001', 'credHelpers in /cfg/config.json')).rejects.toThrow(
      /Credential helper docker-credential-nosuch \(credHelpers in \/cfg\/config.json\) could not be run for localhost:5001: is it installed and on PATH\?/
    )
  })

  it('names a failing helper with its reason', async () => {
    writeFileSync(path.join(helperDir, 'fail'), '')
    try {
      await expect(helperGet('e2e', 'localhost:5001', 'credsStore')).rejects.toThrow(
        /Credential helper docker-credential-e2e \(credsStore\) failed for localhost:5001: error getting credentials - the token service at vault.example is unreachable/
      )
    } finally {
      rmSync(path.join(helperDir, 'fail'))
    }
  })
})

describe('resolver', () => {
  it('reads the config once per registry; given credentials win', async () => {
    const log = path.join(helperDir, 'calls.log')
    rmSync(log, { force: true })
    const dir = configDir({ credHelpers: { 'localhost:5001': 'e2e', 'localhost:5002': 'e2e' } })
    const resolve = dockerConfigResolver({
      dir,
      given: { 'localhost:5002': { username: 'in', password: 'put' } }
    })
    expect(await resolve('localhost:5001')).toEqual({ username: 'robot', password: SECRET })
    expect(await resolve('localhost:5001')).toEqual({ username: 'robot', password: SECRET })
    expect(await resolve('localhost:5002')).toEqual({ username: 'in', password: 'put' })
    expect(await resolve('localhost:5000')).toBeUndefined()
    expect(readFileSync(log, 'utf8')).toBe('get localhost:5001\n')
  })
})

describe("the registry client's credentials", () => {
  const login = { registry: 'localhost:5002', username: 'in', password: 'put' }
  const saved = process.env.DOCKER_CONFIG
  afterAll(() => {
    if (saved === undefined) delete process.env.DOCKER_CONFIG
    else process.env.DOCKER_CONFIG = saved
  })

  it('the login for its own registry, the docker config for every other one', async () => {
    process.env.DOCKER_CONFIG = configDir({
      credHelpers: { 'localhost:5001': 'e2e', 'localhost:5002': 'e2e' }
    })
    const resolve = registryCredentials(login)
    expect(await resolve('localhost:5002')).toEqual({ username: 'in', password: 'put' })
    expect(await resolve('localhost:5001')).toEqual({ username: 'robot', password: SECRET })
  })

  it('an earlier login that was kept: its registry too comes from the docker config', async () => {
    process.env.DOCKER_CONFIG = configDir({ credHelpers: { 'localhost:5001': 'e2e' } })
    const resolve = registryCredentials({ ...login, registry: 'localhost:5001' }, true)
    expect(await resolve('localhost:5001')).toEqual({ username: 'robot', password: SECRET })
    expect(await registryCredentials(undefined)('localhost:5001')).toEqual({
      username: 'robot',
      password: SECRET
    })
  })
})
