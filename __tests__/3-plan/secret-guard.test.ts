import { describe, expect, it } from '@jest/globals'
import {
  assertNoSecretBuildArgs,
  detectSecretValue,
  findSecretBuildArgs,
  isCredentialName,
  provenanceRecordsArgs
} from '../../src/3-plan/secret-guard.js'

// Token-shaped values are assembled at run time so this file itself does not look like it leaks credentials.
const fake = (prefix: string, n: number, alphabet = 'aB3dE6gH9jK') =>
  prefix + Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('')

describe('isCredentialName', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['NPM_TOKEN', true],
    ['npmToken', true],
    ['NPMTOKEN', true],
    ['api-key', true],
    ['API_KEY', true],
    ['APIKEY', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['DB_PASSWORD', true],
    ['DBPASSWORD', true],
    ['client_secret', true],
    ['SSH_PRIVATE_KEY', true],
    ['REGISTRY_CREDENTIALS', true],
    ['GPG_PASSPHRASE', true],
    ['KEYBOARD_LAYOUT', false],
    ['MONKEY_VERSION', false],
    ['TURKEY', false],
    ['PUBLIC_KEY', false],
    ['CACHE_KEY', false],
    ['TOKEN_URL', false],
    ['SSH_KEY_PATH', false],
    ['GPG_KEY_ID', false],
    ['NODE_VERSION', false],
    ['PASSTHROUGH', false],
    ['BUILDKIT_INLINE_CACHE', false],
    ['TOKENIZER_MODEL', false]
  ])('%s -> %p', (name, expected) => {
    expect(isCredentialName(name)).toBe(expected)
  })
})

describe('detectSecretValue', () => {
  it.each([
    [fake('ghp_', 36), 'GitHub token'],
    [fake('ghs_', 36), 'GitHub token'],
    [fake('github_pat_', 60), 'GitHub fine-grained token'],
    ['AKIA' + 'ABCDEFGHIJKLMNOP', 'AWS access key'],
    [fake('xoxb-', 30, '0123456789-'), 'Slack token'],
    ['-----BEGIN OPENSSH ' + 'PRIVATE KEY-----\nabc', 'private key'],
    ['-----BEGIN RSA ' + 'PRIVATE KEY-----', 'private key'],
    [fake('eyJ', 20) + '.' + fake('eyJ', 30) + '.' + fake('', 20), 'JSON Web Token'],
    [fake('npm_', 36), 'npm token'],
    [fake('glpat-', 20), 'GitLab token'],
    [fake('dckr_pat_', 27), 'Docker Hub token'],
    ['https://user:' + 's3cr3t@pypi.example.com/simple', 'password in URL'],
    ['1.22.3', undefined],
    ['https://pypi.example.com/simple', undefined],
    ['git@github.com:org/repo.git', undefined],
    ['ghp_short', undefined],
    ['linux/amd64', undefined],
    ['', undefined]
  ])('%s -> %p', (value, expected) => {
    expect(detectSecretValue(value)).toBe(expected)
  })
})

const definition = {
  group: { default: { targets: ['api', 'web'] } },
  target: {
    api: {
      context: '.',
      dockerfile: 'Dockerfile',
      args: { NODE_VERSION: '24', NPM_TOKEN: 'x', KEYBOARD_LAYOUT: 'us', EMPTY_PASSWORD: '' }
    },
    web: { args: { PIP_INDEX_URL: 'https://ci:' + 'hunter2@pypi.example.com/simple', BASE: 'alpine' } },
    worker: {}
  }
}

describe('findSecretBuildArgs', () => {
  it('names target and arg, never the value', () => {
    const findings = findSecretBuildArgs(definition)
    expect(findings).toEqual([
      { target: 'api', arg: 'NPM_TOKEN', why: 'name looks like a credential' },
      { target: 'web', arg: 'PIP_INDEX_URL', why: 'value looks like a password in URL' }
    ])
    expect(JSON.stringify(findings)).not.toContain('hunter2')
  })

  it('honours an allow list (case-insensitive) and a blanket opt-out', () => {
    expect(findSecretBuildArgs(definition, ['npm_token'])).toEqual([
      { target: 'web', arg: 'PIP_INDEX_URL', why: 'value looks like a password in URL' }
    ])
    expect(findSecretBuildArgs(definition, true)).toEqual([])
  })
})

describe('assertNoSecretBuildArgs', () => {
  it.each([
    ['mode=max', true],
    ['type=provenance,mode=max', true],
    ['mode=max,version=v1', true],
    ['max', true],
    ['mode=min', false],
    ['false', false],
    ['true', false]
  ])('provenanceRecordsArgs(%p) = %p', (p, expected) => {
    expect(provenanceRecordsArgs(p)).toBe(expected)
  })

  it('throws with mode=max, naming target, arg, --secret, mode=max and the opt-out, without values', () => {
    let message = ''
    try {
      assertNoSecretBuildArgs(definition, { provenance: 'mode=max' })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('target "api", build arg NPM_TOKEN')
    expect(message).toContain('target "web", build arg PIP_INDEX_URL')
    expect(message).toContain('mode=max')
    expect(message).toContain('--secret')
    expect(message).toContain('allow-secret-build-args')
    expect(message).not.toContain('hunter2')
  })

  it('does nothing with mode=min or when opted out', () => {
    expect(assertNoSecretBuildArgs(definition, { provenance: 'mode=min' })).toEqual([])
    expect(assertNoSecretBuildArgs(definition, { provenance: 'mode=max', allow: true })).toEqual([])
    expect(() =>
      assertNoSecretBuildArgs(definition, { provenance: 'mode=max', allow: ['NPM_TOKEN', 'PIP_INDEX_URL'] })
    ).not.toThrow()
  })
})
