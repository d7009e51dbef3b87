// When the action signs, and with what: the decision table, the signing inputs and the signing config.
import { describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunContext } from '../../../src/1-context/context.js'
import { parseSignInputs, type SignInputs } from '../../../src/1-context/sign-inputs.js'
import { decideSigning } from '../../../src/7-publish/sign/sign-images.js'
import { PUBLIC_GOOD, readSigningConfig } from '../../../src/7-publish/sign/services.js'
import { runContext } from '../../helpers/run-context.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/signing')

function ctx(payload: Record<string, unknown> = {}, eventName = 'push'): RunContext {
  return runContext({ eventName, payload })
}
const forkPr = {
  pull_request: {
    number: 7,
    head: { ref: 'x', repo: { full_name: 'mallory/demo', fork: true } },
    base: { ref: 'main', repo: { full_name: 'blacklake/demo' } }
  }
}
const token = {
  GITHUB_ACTIONS: 'true',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.example/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const inputs = (sign: SignInputs['sign'], signingKey = ''): SignInputs => ({
  sign,
  signingKey,
  sigstoreConfig: '',
  githubAttestations: false
})

describe('decideSigning', () => {
  it.each<
    [string, SignInputs, RunContext, { push: boolean; digestOnly?: boolean }, NodeJS.ProcessEnv, unknown]
  >([
    ['auto with a token', inputs('auto'), ctx(), { push: true }, token, { kind: 'keyless' }],
    ['keyless with a token', inputs('keyless'), ctx(), { push: true }, token, { kind: 'keyless' }],
    ['key', inputs('key', 'PEM'), ctx(), { push: true }, {}, { kind: 'key' }],
    ['false', inputs('false'), ctx(), { push: true }, token, { kind: 'none', reason: 'sign: false' }],
    ['no push', inputs('keyless'), ctx(), { push: false }, token, { kind: 'none', reason: 'nothing pushed' }],
    [
      'digest-only leg',
      inputs('keyless'),
      ctx(),
      { push: true, digestOnly: true },
      token,
      { kind: 'none', reason: expect.stringContaining('merge signs') }
    ],
    [
      'auto without id-token: write',
      inputs('auto'),
      ctx(),
      { push: true },
      { GITHUB_ACTIONS: 'true' },
      { kind: 'none', reason: expect.stringContaining('permissions: id-token: write') }
    ],
    [
      'auto outside Actions',
      inputs('auto'),
      ctx(),
      { push: true },
      {},
      { kind: 'none', reason: expect.stringContaining('not running in GitHub Actions') }
    ]
  ])('%s', (_name, i, c, run, env, expected) => {
    expect(decideSigning(i, c, run, env)).toEqual(expected)
  })

  it.each<SignInputs['sign']>(['auto', 'keyless', 'key'])(
    'a fork pull request never signs (sign: %s), whatever the runner offers',
    sign => {
      const plan = decideSigning(inputs(sign, 'PEM'), ctx(forkPr, 'pull_request'), { push: true }, token)
      expect(plan).toEqual({ kind: 'none', reason: expect.stringContaining('no OIDC token is requested') })
    }
  )

  it('keyless without a token fails and says how to fix it', () => {
    expect(() => decideSigning(inputs('keyless'), ctx(), { push: true }, { GITHUB_ACTIONS: 'true' })).toThrow(
      "sign: keyless cannot sign: the job has no OIDC token: give it 'permissions: id-token: write'. No tag was moved."
    )
  })
})

describe('signing inputs', () => {
  const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  it('defaults to auto', () => {
    expect(parseSignInputs(get({}))).toEqual({
      sign: 'auto',
      signingKey: '',
      sigstoreConfig: '',
      githubAttestations: false
    })
  })
  it('rejects an unknown mode', () => {
    expect(() => parseSignInputs(get({ sign: 'cosign' }))).toThrow(
      "Invalid sign 'cosign'. Expected one of: auto, keyless, key, false."
    )
  })
  it('key needs signing-key', () => {
    expect(() => parseSignInputs(get({ sign: 'key' }))).toThrow('sign: key needs signing-key')
  })
})

describe('signing config', () => {
  it('reads the stand-in config the e2e run signed with', async () => {
    const file = path.join(fixtures, 'standin-signing_config.json')
    const url = JSON.parse(readFileSync(file, 'utf8')).caUrls[0].url
    expect(await readSigningConfig(file)).toEqual({ fulcioUrl: url, rekor: { url, majorApiVersion: 1 } })
  })

  it('picks the newest CA and log, skips ended ones and unsupported API versions', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'signing-config-'))
    const file = path.join(dir, 'c.json')
    await writeFile(
      file,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [
          { url: 'https://old', majorApiVersion: 1, validFor: { start: '2023-01-01T00:00:00Z' } },
          { url: 'https://new', majorApiVersion: 1, validFor: { start: '2024-01-01T00:00:00Z' } },
          { url: 'https://v2', majorApiVersion: 2, validFor: { start: '2025-01-01T00:00:00Z' } }
        ],
        rekorTlogUrls: [
          {
            url: 'https://ended',
            majorApiVersion: 1,
            validFor: { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' }
          },
          { url: 'https://rekor', majorApiVersion: 1, validFor: { start: '2022-01-01T00:00:00Z' } }
        ]
      })
    )
    expect(await readSigningConfig(file)).toEqual({
      fulcioUrl: 'https://new',
      rekor: { url: 'https://rekor', majorApiVersion: 1 }
    })
  })

  it('refuses a file that is not a signing config', async () => {
    await expect(readSigningConfig(path.join(fixtures, 'standin-trusted_root.json'))).rejects.toThrow(
      'is not a Sigstore signing config (mediaType application/vnd.dev.sigstore.trustedroot+json;version=0.1)'
    )
  })

  it('the default is the public-good instance', () => {
    expect(PUBLIC_GOOD).toEqual({
      fulcioUrl: 'https://fulcio.sigstore.dev',
      rekor: { url: 'https://rekor.sigstore.dev', majorApiVersion: 1 }
    })
  })
})
