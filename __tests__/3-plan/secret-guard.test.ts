import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDefinition } from '../../src/3-plan/definition.js'
import { guardPlan } from '../../src/3-plan/plan.js'
import {
  assertFinalDefinition,
  assertNoSecretBuildArgs,
  attestRecordsArgs,
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
    ['TOKENIZER_MODEL', false],
    // Names credentials commonly go by that no longer slip through (each was accepted before).
    ['DB_PASS', true],
    ['DB_PWD', true],
    ['dbPass', true],
    ['GH_PAT', true],
    ['GITHUB_PAT', true],
    ['NPM_AUTH', true],
    ['AUTH', true],
    ['BASIC_AUTH', true],
    ['BEARER', true],
    ['BEARER_VALUE', true],
    ['SERVICE_CREDENTIAL', true],
    ['GCP_CREDENTIALS', true],
    ['AWSCREDENTIALS', true],
    ['REGISTRY_CREDS', true],
    ['NPM_AUTH_TOKEN', true],
    ['SESSION_COOKIE', true],
    ['DATABASE_URL_PASSWORD', true],
    // ... and their harmless relatives stay allowed.
    ['AUTH_URL', false],
    ['AUTH_TYPE', false],
    ['AUTH_METHOD', false],
    ['AUTHOR', false],
    ['AUTHOR_NAME', false],
    ['OAUTH_CLIENT_ID', false],
    ['BYPASS_CACHE', false],
    ['COMPASS_VERSION', false],
    ['PASS_RATE', true],
    ['PATH', false],
    ['PATCH_LEVEL', false],
    ['PAT_ENDPOINT', false],
    ['CREDENTIALS_FILE', false],
    ['BEARER_TOKEN_PATH', false]
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
    // Formats added with the broader guard (each was accepted before).
    ['Bearer ' + fake('', 40), 'Authorization header value'],
    ['Basic ' + Buffer.from('ci:hunter2').toString('base64'), 'Authorization header value'],
    [fake('hf_', 34), 'Hugging Face token'],
    [fake('dop_v1_', 64, '0123456789abcdef'), 'DigitalOcean token'],
    [fake('shpat_', 32, '0123456789abcdef'), 'Shopify token'],
    ['SG.' + fake('', 22) + '.' + fake('', 43), 'SendGrid key'],
    [fake('sk_test_', 24), 'Stripe key'],
    [
      'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=' + fake('', 40) + '==;',
      'Azure connection string'
    ],
    ['//registry.npmjs.org/:_authToken=' + fake('', 36), 'npm auth line'],
    [
      '{"auths":{"ghcr.io":{"auth":"' + Buffer.from('u:p4ssw0rd').toString('base64') + '"}}}',
      'docker config auth'
    ],
    ['postgres://app:' + 'hunter2@db.internal:5432/app', 'password in URL'],
    [fake('glrt-', 20), 'GitLab token'],
    [fake('gho_', 36), 'GitHub token'],
    ['Bearer', undefined],
    ['Basic auth is off', undefined],
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
    // Opted out: what was let through comes back (the log names it).
    expect(
      assertNoSecretBuildArgs(definition, { provenance: 'mode=max', allow: true }).map(f => f.arg)
    ).toEqual(['NPM_TOKEN', 'PIP_INDEX_URL'])
    expect(() =>
      assertNoSecretBuildArgs(definition, { provenance: 'mode=max', allow: ['NPM_TOKEN', 'PIP_INDEX_URL'] })
    ).not.toThrow()
  })
})

describe('the final definition (files + override file + set lines, as bake --print resolves them)', () => {
  const print = (name: string) =>
    JSON.parse(readFileSync(new URL(`../fixtures/hardening/guard/${name}`, import.meta.url), 'utf8'))

  it.each([
    [[{ type: 'provenance', mode: 'max' }], true],
    [[{ type: 'provenance', mode: 'min' }], false],
    [[{ type: 'provenance', mode: 'max', disabled: true }], false],
    [
      [
        { type: 'sbom', disabled: true },
        { mode: 'max', type: 'provenance' }
      ],
      true
    ],
    [['type=provenance,mode=max'], true],
    [['type=sbom,generator=x', 'type=provenance,mode=min'], false],
    [['type=provenance,disabled=true,mode=max'], false],
    [[], false],
    [undefined, false]
  ])('attestRecordsArgs(%j) = %p', (attest, expected) => {
    expect(attestRecordsArgs(attest as unknown[] | undefined)).toBe(expected)
  })

  it('catches a target whose own attest turns mode=max on (the override leaves non-image targets alone)', () => {
    expect(() => assertFinalDefinition(print('print-override-min.json'))).toThrow(
      /final bake definition[\s\S]*target "docs", build arg GH_PAT/
    )
    expect(() => assertFinalDefinition(print('print-override-min.json'))).not.toThrow(/DB_PASS/)
  })

  it('catches a set line that turns mode=max on past the override', () => {
    expect(() => assertFinalDefinition(print('print-set-max.json'))).toThrow(
      /target "api", build arg DB_PASS/
    )
  })

  it('reads the string form of older buildx (0.13 fixture) and honours the allow list', () => {
    const old = JSON.parse(
      readFileSync(new URL('../fixtures/bake/print-with-override.json', import.meta.url), 'utf8')
    )
    old.target.api.args = { DB_PWD: 'x' }
    expect(() => assertFinalDefinition(old)).toThrow(/build arg DB_PWD/)
    expect(assertFinalDefinition(old, { allow: ['db_pwd'] })).toEqual([
      { target: 'api', arg: 'DB_PWD', why: 'name looks like a credential' }
    ])
    expect(assertFinalDefinition(print('print-set-max.json'), { allow: true }).map(f => f.arg)).toEqual([
      'DB_PASS',
      'GH_PAT'
    ])
  })
})

describe('the plan phase (before any builder or QEMU): the attestations the build will run with', () => {
  const files = () =>
    parseDefinition(
      readFileSync(new URL('../fixtures/hardening/guard/print-files.json', import.meta.url), 'utf8')
    )
  // `api` is an image target (the override sets its attestations), `docs` has a local output (left alone).
  const plans = (apiAttest: string[]) => [
    { target: 'api', producesImage: true, attest: apiAttest },
    { target: 'docs', producesImage: false, attest: [] }
  ]

  it('a non-image target’s own attest with mode=max is caught, whatever the inputs say', () => {
    expect(() => guardPlan(files(), plans(['type=provenance,mode=min']), false)).toThrow(
      /target "docs", build arg GH_PAT/
    )
  })

  it('an image target is checked with the override’s attestations, not its own', () => {
    const noDocs = (d: ReturnType<typeof files>) => (delete d.target.docs, d)
    expect(() => guardPlan(noDocs(files()), plans(['type=sbom', 'type=provenance,mode=max']), false)).toThrow(
      /target "api", build arg DB_PASS/
    )
    expect(() =>
      guardPlan(noDocs(files()), plans(['type=sbom', 'type=provenance,disabled=true']), false)
    ).not.toThrow()
    expect(() => guardPlan(files(), plans(['type=provenance,mode=max']), ['db_pass', 'GH_PAT'])).not.toThrow()
  })
})
