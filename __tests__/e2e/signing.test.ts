// Signed images on the real engine and registry, verified by the REAL cosign 3.1.1 (scripts/e2e-env.sh installs
// it): a two-target v1.2.3 release signed keyless through a local Sigstore stand-in (OIDC issuer behind the
// runner's ACTIONS_ID_TOKEN_REQUEST_URL, Fulcio-compatible CA, Rekor-compatible log; scripts/harness/sigstore);
// cosign verifies every index, platform manifest and attestation manifest with the stand-in's trusted root and
// the workflow identity, and refuses a wrong identity and a tag re-pointed at an unsigned digest. A Sigstore
// outage fails the step with no tag moved; a fork PR never asks for a token; the key mode verifies with the key;
// no token, key or certificate private part reaches any output. The registry (docker-registry 2.8) has no
// referrers API, so every signature goes through the referrers tag schema here.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type EventContext,
  REPO_ROOT,
  describeImage,
  docker,
  e2eEnv,
  imagesOutput,
  publish,
  pullRequestContext,
  pushContext,
  registryTags,
  run,
  uniqueName,
  visibleText,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { type GitHubApi, repoFixture, startGitHubApi } from '../../scripts/harness/github-api.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { multiRunner } from '../../scripts/harness/multi-runner.mjs'
import { type SigstoreStandIn, startSigstoreStandIn } from '../../scripts/harness/sigstore/stand-in.mjs'

const TARGETS = ['api', 'jobrunner']
const REPOSITORY = 'blacklake/demo'

let api: GitHubApi
let sigstore: SigstoreStandIn
let registry: string
let release: { context: EventContext; result: RunResult; prefix: string; identity: string }
const image = (prefix: string, target: string) => `${registry}/${prefix}/${target}`

/** `cosign verify` with the stand-in's trusted root; the exit code and what it printed. */
async function cosignVerify(ref: string, identity: string, issuer = sigstore.issuer) {
  return run('cosign', [
    'verify',
    '--trusted-root',
    sigstore.trustedRootPath,
    '--certificate-identity',
    identity,
    '--certificate-oidc-issuer',
    issuer,
    '--allow-insecure-registry',
    ref
  ])
}

async function signedRelease(prefix: string, context: EventContext, inputs: Record<string, string> = {}) {
  const job = { repository: REPOSITORY, ref: context.env.GITHUB_REF, sha: context.sha }
  const result = await publish({
    workspace: await workspaceFrom('blacklake'),
    context,
    api,
    env: sigstore.job(job),
    inputs: {
      targets: TARGETS.join(','),
      'image-prefix': prefix,
      sign: 'keyless',
      'sigstore-config': sigstore.signingConfigPath,
      'github-attestations': 'true',
      ...inputs
    }
  })
  return { result, identity: sigstore.identityOf(job) }
}

beforeAll(async () => {
  registry = (await e2eEnv()).E2E_REGISTRY
  api = await startGitHubApi({ repos: { [REPOSITORY]: repoFixture(REPOSITORY) } })
  sigstore = await startSigstoreStandIn()
  const prefix = uniqueName('e2e-signed')
  const context = pushContext('refs/tags/v1.2.3')
  release = { context, prefix, ...(await signedRelease(prefix, context)) }
})
afterAll(async () => {
  await api?.close()
  await sigstore?.close()
})

describe('keyless release v1.2.3 (two targets), verified by cosign 3', () => {
  it('succeeds, signs before tagging, and asks the issuer for one token', () => {
    const { main } = release.result
    if (main.exitCode !== 0) console.log(main.stdout, main.stderr)
    expect(main.exitCode).toBe(0)
    expect(main.outputs.pushed).toBe('true')
    const signing = main.stdout.indexOf('::group::Signing')
    const tagging = main.stdout.indexOf('::group::Tagging\n')
    expect(signing).toBeGreaterThan(0)
    expect(tagging).toBeGreaterThan(signing)
    // One token and one certificate for the whole release, however many manifests it signs.
    expect(sigstore.calls.filter(c => c.path === '/oidc/token')).toHaveLength(1)
    expect(sigstore.calls.filter(c => c.path === '/api/v2/signingCert')).toHaveLength(1)
    expect(sigstore.calls.find(c => c.path === '/oidc/token')?.audience).toBe('sigstore')
  })

  it.each(TARGETS)(
    'cosign verifies %s by tag, index digest, every platform and attestation manifest',
    async target => {
      const ref = image(release.prefix, target)
      const described = await describeImage(ref, 'v1.2.3')
      expect(described).toBeDefined()
      const digests = [
        described?.digest,
        ...(described?.platforms ?? []).map(p => p.digest),
        ...(described?.attestations ?? []).map(a => a.digest)
      ]
      expect(digests).toHaveLength(5)
      for (const r of [`${ref}:v1.2.3`, `${ref}:latest`, ...digests.map(d => `${ref}@${d}`)]) {
        const v = await cosignVerify(r, release.identity)
        if (v.code !== 0) console.log(r, v.stderr)
        expect(v.code).toBe(0)
        expect(v.stdout).toContain('"type":"https://sigstore.dev/cosign/sign/v1"')
      }
    }
  )

  it('the summary shows, per image, the exact cosign verify command, and that command passes', async () => {
    const { main } = release.result
    for (const target of TARGETS) {
      const digest = imagesOutput(release.result)[target].digest
      const line = main.summary
        .split('\n')
        .find(l => l.startsWith('cosign verify') && l.includes(`/${target}@`))
      expect(line).toBe(
        `cosign verify --trusted-root trusted_root.json --certificate-identity ${release.identity} ` +
          `--certificate-oidc-issuer ${sigstore.issuer} ${image(release.prefix, target)}@${digest}`
      )
      const args = (line as string).split(' ').slice(1)
      args[args.indexOf('trusted_root.json')] = sigstore.trustedRootPath
      const v = await run('cosign', [...args, '--allow-insecure-registry'])
      expect(v.code).toBe(0)
    }
  })

  it('cosign refuses a wrong identity and a wrong issuer', async () => {
    const ref = `${image(release.prefix, 'api')}:v1.2.3`
    const wrongRef = release.identity.replace('@refs/tags/v1.2.3', '@refs/heads/main')
    const v1 = await cosignVerify(ref, wrongRef)
    expect(v1.code).not.toBe(0)
    expect(v1.stderr).toContain('no matching CertificateIdentity')
    const v2 = await cosignVerify(ref, release.identity, 'https://accounts.google.com')
    expect(v2.code).not.toBe(0)
  })

  it('cosign refuses a tag re-pointed at an unsigned digest', async () => {
    const ref = image(release.prefix, 'jobrunner')
    const base = (await e2eEnv()).E2E_BASE_IMAGE
    await docker(['buildx', 'imagetools', 'create', '-t', `${ref}:latest`, base])
    const v = await cosignVerify(`${ref}:latest`, release.identity)
    expect(v.code).not.toBe(0)
    expect(`${v.stdout}${v.stderr}`).toMatch(/no signatures found|no matching signatures|not found/i)
    expect((await cosignVerify(`${ref}:v1.2.3`, release.identity)).code).toBe(0)
  })

  it.each(TARGETS)(
    '%s has a GitHub build-provenance attestation of its index that cosign verifies',
    async target => {
      const ref = image(release.prefix, target)
      const digest = imagesOutput(release.result)[target].digest
      const stored = api.attestations.filter(a => a.subjects.includes(digest))
      expect(stored).toHaveLength(1)
      const bundle = stored[0].bundle as { dsseEnvelope: { payload: string } }
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString())
      expect(statement).toMatchObject({
        predicateType: 'https://slsa.dev/provenance/v1',
        subject: [{ name: ref, digest: { sha256: digest.slice(7) } }],
        predicate: {
          buildDefinition: { resolvedDependencies: [{ digest: { gitCommit: release.context.sha } }] }
        }
      })
      const dir = await mkdtemp(path.join(tmpdir(), 'e2e-attestation-'))
      const file = path.join(dir, 'bundle.json')
      await writeFile(file, JSON.stringify(bundle))
      const v = await run('cosign', [
        'verify-blob-attestation',
        '--bundle',
        file,
        '--new-bundle-format',
        '--type',
        'https://slsa.dev/provenance/v1',
        '--trusted-root',
        sigstore.trustedRootPath,
        '--certificate-identity',
        release.identity,
        '--certificate-oidc-issuer',
        sigstore.issuer,
        '--check-claims=false'
      ])
      if (v.code !== 0) console.log(v.stderr)
      expect(v.code).toBe(0)
    }
  )

  it('no ID token, request token, key or certificate private part appears in any output', () => {
    const text = visibleText(release.result)
    expect(sigstore.issued.length).toBeGreaterThan(0)
    for (const token of sigstore.issued) {
      expect(text).not.toContain(token)
      expect(text).not.toContain(token.split('.')[2])
    }
    expect(text).not.toMatch(/stand-in-[0-9a-f]{32}/)
    expect(text).not.toContain('PRIVATE KEY')
  })

  it('the CLI verify command shows signatures, identity, SBOM, provenance and platforms in one table', async () => {
    const ref = `${image(release.prefix, 'api')}:v1.2.3`
    const r = await run('node', [
      path.join(REPO_ROOT, 'dist/cli.js'),
      'verify',
      '--trusted-root',
      sigstore.trustedRootPath,
      '--certificate-identity',
      release.identity,
      '--certificate-oidc-issuer',
      sigstore.issuer,
      ref
    ])
    if (r.code !== 0) console.log(r.stdout, r.stderr)
    expect(r.code).toBe(0)
    const rows = r.stdout.split('\n').filter(l => l.startsWith(ref))
    expect(rows.map(l => l.split(/\s{2,}/)[1]).sort()).toEqual(['index', 'linux/amd64', 'linux/arm64'])
    for (const row of rows) expect(row).toContain('verified')
    expect(rows.filter(l => /linux\/.*\s+yes\s+yes$/.test(l))).toHaveLength(2)
    const wrong = await run('node', [
      path.join(REPO_ROOT, 'dist/cli.js'),
      'verify',
      '--trusted-root',
      sigstore.trustedRootPath,
      '--certificate-identity',
      'https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      sigstore.issuer,
      ref
    ])
    expect(wrong.code).toBe(1)
  })
})

describe('failures and refusals', () => {
  it('a Sigstore outage fails the step before any tag moves, and says why', async () => {
    const prefix = uniqueName('e2e-signdown')
    sigstore.setDown(true)
    let result: RunResult
    try {
      ;({ result } = await signedRelease(prefix, pushContext('refs/tags/v1.2.3')))
    } finally {
      sigstore.setDown(false)
    }
    expect(result.main.exitCode).not.toBe(0)
    expect(result.main.outputs.pushed).toBe('false')
    const error = result.main.stdout.split('\n').find(l => l.startsWith('::error::')) ?? ''
    expect(error).toContain('Keyless signing')
    expect(error).toContain(sigstore.url)
    expect(error).toMatch(/503/)
    for (const target of TARGETS) {
      // Pushed by digest, never tagged, and no signature attached (the fallback tag would list one).
      expect(await registryTags(image(prefix, target))).toEqual([])
    }
  })

  it('a fork pull request never asks for an OIDC token, even when it pushes', async () => {
    const prefix = uniqueName('e2e-signfork')
    const context = pullRequestContext(7, { fork: true })
    const before = sigstore.calls.length
    const job = { repository: REPOSITORY, ref: context.env.GITHUB_REF, sha: context.sha }
    const result = await publish({
      workspace: await workspaceFrom('blacklake'),
      context,
      api,
      env: sigstore.job(job),
      inputs: {
        targets: 'api',
        'image-prefix': prefix,
        push: 'true',
        sign: 'keyless',
        'sigstore-config': sigstore.signingConfigPath,
        'pr-comment': 'false'
      }
    })
    if (result.main.exitCode !== 0) console.log(result.main.stdout)
    expect(result.main.exitCode).toBe(0)
    expect(result.main.stdout).toContain('pull request from a fork: no OIDC token is requested')
    expect(sigstore.calls.slice(before)).toEqual([])
  })

  it('sign: key signs with the given key; cosign verifies with its public half; the key never shows', async () => {
    const prefix = uniqueName('e2e-signkey')
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    const dir = await mkdtemp(path.join(tmpdir(), 'e2e-signkey-'))
    const pub = path.join(dir, 'signing-key.pub')
    await writeFile(pub, publicKey.export({ format: 'pem', type: 'spki' }).toString())
    const before = sigstore.calls.length
    const result = await publish({
      workspace: await workspaceFrom('blacklake'),
      context: pushContext('refs/heads/main'),
      api,
      inputs: { targets: 'api', 'image-prefix': prefix, sign: 'key', 'signing-key': pem }
    })
    if (result.main.exitCode !== 0) console.log(result.main.stdout)
    expect(result.main.exitCode).toBe(0)
    expect(sigstore.calls.slice(before)).toEqual([])
    const ref = `${image(prefix, 'api')}:main`
    const ok = await run('cosign', [
      'verify',
      '--key',
      pub,
      '--insecure-ignore-tlog=true',
      '--allow-insecure-registry',
      ref
    ])
    if (ok.code !== 0) console.log(ok.stderr)
    expect(ok.code).toBe(0)
    const text = visibleText(result)
    for (const line of pem.split('\n').filter(l => l.length > 40)) expect(text).not.toContain(line)
    expect(text).not.toContain('PRIVATE KEY')
  })
})

describe('multi-runner: merge signs the index it composes, the legs sign nothing', () => {
  it('plan → digest-only legs → merge: cosign verifies the merged index and each leg, one token for the run', async () => {
    const prefix = uniqueName('e2e-signmerge')
    const context = pushContext('refs/tags/v2.0.0')
    const job = { repository: REPOSITORY, ref: context.env.GITHUB_REF, sha: context.sha }
    const before = sigstore.calls.length
    const run_ = await multiRunner({
      workspace: await workspaceFrom('basic'),
      context,
      env: { GITHUB_API_URL: api.url, ...sigstore.job(job) },
      inputs: {
        targets: 'api',
        platforms: 'linux/amd64,linux/arm64',
        'image-prefix': prefix
      },
      mergeInputs: { sign: 'keyless', 'sigstore-config': sigstore.signingConfigPath }
    })
    for (const leg of run_.legs) {
      expect(leg.result.main.exitCode).toBe(0)
      expect(leg.result.main.stdout).not.toContain('::group::Signing')
    }
    const merge = run_.merge.result.main
    if (merge.exitCode !== 0) console.log(merge.stdout)
    expect(merge.exitCode).toBe(0)
    expect(sigstore.calls.slice(before).filter(c => c.path === '/oidc/token')).toHaveLength(1)
    const ref = image(prefix, 'api')
    const described = await describeImage(ref, 'v2.0.0')
    const identity = sigstore.identityOf(job)
    for (const r of [`${ref}:v2.0.0`, ...(described?.platforms ?? []).map(p => `${ref}@${p.digest}`)]) {
      const v = await cosignVerify(r, identity)
      if (v.code !== 0) console.log(r, v.stderr)
      expect(v.code).toBe(0)
    }
    expect(described?.platforms).toHaveLength(2)
    expect(merge.summary).toContain(
      `cosign verify --trusted-root trusted_root.json --certificate-identity ${identity}`
    )
  })
})
