// The docker config file: where it is, how it is read, which source holds a registry's credentials and whether
// an earlier login of a registry is there.
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  configKey,
  credentialSource,
  dockerConfigDir,
  dockerConfigFile,
  hasLogin,
  readDockerConfig,
  registryHost
} from '../../src/6-registry/docker-config.js'

describe('the docker config', () => {
  it('lives in $DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/x/cfg' })).toBe('/x/cfg')
    expect(dockerConfigDir({})).toMatch(/\.docker$/)
    expect(dockerConfigFile({ DOCKER_CONFIG: '/x/cfg' })).toBe('/x/cfg/config.json')
  })

  it('treats a missing file as empty and a broken one as an error naming it', async () => {
    expect(await readDockerConfig('/nonexistent/config.json')).toEqual({})
    const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
    writeFileSync(path.join(dir, 'config.json'), '{"auths": ')
    await expect(readDockerConfig(path.join(dir, 'config.json'))).rejects.toThrow(
      /config.json is not valid JSON/
    )
  })

  it('prefers credHelpers, then credsStore, then auths; auths keys match by host name', () => {
    const auths = { 'https://localhost:5001/v2/': { auth: Buffer.from('a:b').toString('base64') } }
    expect(
      credentialSource(
        { auths, credsStore: 'desktop', credHelpers: { 'localhost:5001': 'e2e' } },
        'localhost:5001'
      )
    ).toEqual({ helper: 'e2e', via: 'credHelpers' })
    expect(credentialSource({ auths, credsStore: 'desktop' }, 'localhost:5001')).toEqual({
      helper: 'desktop',
      via: 'credsStore'
    })
    expect(credentialSource({ auths }, 'localhost:5001')).toEqual({
      auth: auths['https://localhost:5001/v2/']
    })
    expect(registryHost('https://index.docker.io/v1/')).toBe('docker.io')
    expect(registryHost('https://GHCR.io/v2/')).toBe('ghcr.io')
    expect(credentialSource({ auths: { 'index.docker.io': { auth: 'eDp5' } } }, 'docker.io')).toEqual({
      auth: { auth: 'eDp5' }
    })
    expect(configKey('docker.io')).toBe('https://index.docker.io/v1/')
    expect(configKey('ghcr.io')).toBe('ghcr.io')
  })
})

describe('an earlier login of the same registry', () => {
  it.each<[string, object, string, boolean]>([
    ['docker login wrote an auths entry', { auths: { 'ghcr.io': { auth: 'eDp5' } } }, 'ghcr.io', true],
    [
      'with a credential store the entry is empty',
      { auths: { 'ghcr.io': {} }, credsStore: 'pass' },
      'ghcr.io',
      true
    ],
    ['URL-shaped keys, any case', { auths: { 'https://GHCR.io/v2/': {} } }, 'ghcr.io', true],
    ['a credential helper for the registry', { credHelpers: { 'ghcr.io': 'gh' } }, 'ghcr.io', true],
    ["Docker Hub's legacy key", { auths: { 'https://index.docker.io/v1/': {} } }, 'docker.io', true],
    ['another registry only', { auths: { 'localhost:5001': {} } }, 'ghcr.io', false],
    ['no config at all', {}, 'ghcr.io', false]
  ])('%s', (_name, config, registry, expected) => {
    expect(hasLogin(config, registry)).toBe(expected)
  })
})
