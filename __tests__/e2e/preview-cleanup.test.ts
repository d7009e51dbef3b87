// The cleanup sub-action against the real registry (delete enabled), through both ways of deleting: the
// distribution API, and the GitHub Packages API (a local fake backed by the same registry, as ghcr.io's API is
// backed by ghcr.io). Pull request 42 is pushed twice and 43 once by the action itself; one of 42's digests is
// then released as v1.2.3; signatures are pushed as OCI referrers with their `sha256-<hex>` fallback tags.
// Closing 42 must remove exactly 42's manifests that nothing else reaches — attestations and signatures
// included — leave 43 and the release as they were, and the release must still verify. A registry started with
// deletes disabled gets a clear message and keeps everything.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  REPO_ROOT,
  REPOSITORY,
  describeImage,
  e2eEnv,
  imagetoolsFormat,
  publish,
  pullRequestContext,
  registryManifest,
  registryTags,
  uniqueName,
  workspaceFrom,
  type EventContext
} from '../../scripts/harness/e2e.mjs'
import { repoFixture, startGitHubApi, type GitHubApi } from '../../scripts/harness/github-api.mjs'
import { runAction, type RunResult } from '../../scripts/harness/runner.mjs'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`

function base(image: string): string {
  const slash = image.indexOf('/')
  return `http://${image.slice(0, slash).replace(/^localhost/, '127.0.0.1')}/v2/${image.slice(slash + 1)}`
}

async function putBlob(image: string, bytes: Buffer): Promise<void> {
  const start = await fetch(`${base(image)}/blobs/uploads/`, { method: 'POST' })
  expect(start.status).toBe(202)
  const location = new URL(start.headers.get('location') as string, base(image))
  location.searchParams.set('digest', sha(bytes))
  const put = await fetch(location, { method: 'PUT', body: new Uint8Array(bytes) })
  expect(put.status).toBe(201)
}

async function putManifest(
  image: string,
  reference: string,
  json: object,
  type = OCI_MANIFEST
): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(json))
  const r = await fetch(`${base(image)}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': type },
    body: new Uint8Array(bytes)
  })
  if (r.status !== 201) throw new Error(`PUT ${image}:${reference}: ${r.status} ${await r.text()}`)
  return sha(bytes)
}

/** Tags the manifest `from` names as `to` too, byte for byte (same digest), as `imagetools create -t` would. */
async function copyTag(image: string, from: string, to: string): Promise<void> {
  const got = await fetch(`${base(image)}/manifests/${from}`, { headers: { accept: OCI_INDEX } })
  const bytes = Buffer.from(await got.arrayBuffer())
  const put = await fetch(`${base(image)}/manifests/${to}`, {
    method: 'PUT',
    headers: { 'content-type': got.headers.get('content-type') ?? OCI_INDEX },
    body: new Uint8Array(bytes)
  })
  expect(put.headers.get('docker-content-digest')).toBe(got.headers.get('docker-content-digest'))
}

/**
 * A signature as an OCI 1.1 referrer (an artifact manifest whose `subject` is the signed manifest) and, for a
 * registry without the referrers API, the fallback tag `sha256-<hex>` holding an index of the referrers.
 */
async function sign(
  image: string,
  subject: string,
  note: string
): Promise<{ signature: string; index: string }> {
  const subjectManifest = await registryManifest(image, subject)
  const subjectSize = Buffer.byteLength(JSON.stringify(subjectManifest?.json))
  const empty = Buffer.from('{}')
  const bundle = Buffer.from(JSON.stringify({ mediaType: BUNDLE, note }))
  await putBlob(image, empty)
  await putBlob(image, bundle)
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: 2 },
    layers: [{ mediaType: BUNDLE, digest: sha(bundle), size: bundle.length }],
    subject: { mediaType: subjectManifest?.mediaType, digest: subject, size: subjectSize }
  }
  const signature = await putManifest(image, sha(Buffer.from(JSON.stringify(manifest))), manifest)
  const size = Buffer.byteLength(JSON.stringify(manifest))
  const index = await putManifest(
    image,
    subject.replace(':', '-'),
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: signature, size, artifactType: BUNDLE }]
    },
    OCI_INDEX
  )
  return { signature, index }
}

/** Every digest an index reaches: itself and its platform and attestation manifests. */
async function digestsOf(image: string, reference: string): Promise<string[]> {
  const index = await registryManifest(image, reference)
  if (!index) throw new Error(`${image}:${reference} is missing`)
  const children = ((index.json.manifests ?? []) as { digest: string }[]).map(m => m.digest)
  return [index.digest, ...children]
}

const exists = async (image: string, digest: string) => (await registryManifest(image, digest)) !== undefined

function closedEvent(number: number, merged: boolean): EventContext {
  const ctx = pullRequestContext(number)
  const payload = ctx.payload as { action: string; pull_request: Record<string, unknown> }
  payload.action = 'closed'
  payload.pull_request.merged = merged
  payload.pull_request.state = 'closed'
  return ctx
}

function cleanup(o: {
  workspace: string
  context: EventContext
  api: GitHubApi
  inputs: Record<string, string>
}): Promise<RunResult> {
  return runAction({
    action: path.join(process.env.E2E_ACTION_DIR || REPO_ROOT, 'cleanup'),
    workspace: o.workspace,
    eventName: o.context.eventName,
    payload: o.context.payload,
    env: { GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: o.api.url, ...o.context.env },
    inputs: o.inputs
  })
}

const scheduleEvent: EventContext = {
  sha: 'f'.repeat(40),
  eventName: 'schedule',
  payload: { schedule: '0 3 * * *', repository: { full_name: REPOSITORY } },
  env: { GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'f'.repeat(40) }
}

describe.each([['distribution'], ['github-packages']])('closing PR 42 (deletes through %s)', api => {
  const prefix = uniqueName(`cleanup-${api === 'distribution' ? 'd' : 'p'}`)
  let github: GitHubApi
  let workspace: string
  let registry: string
  const image = (t: string) => `${registry}/${prefix}/${t}`
  const pr42: Record<string, EventContext[]> = { first: [], second: [] }
  const before: Record<string, string[]> = {}
  let keep: Record<string, string[]> = {}
  let gone: Record<string, string[]> = {}
  let removedTags: Record<string, string[]> = {}
  const afterDry: Record<string, string[]> = {}
  let signatures: Record<string, { signature: string; index: string }> = {}
  let dry: RunResult
  let closed: RunResult
  let inputs: Record<string, string>

  beforeAll(async () => {
    registry = (await e2eEnv()).E2E_REGISTRY
    github = await startGitHubApi({
      repos: { [REPOSITORY]: repoFixture(REPOSITORY) },
      pulls: { '42': { state: 'closed', closed_at: new Date().toISOString() }, '43': { state: 'open' } },
      packages: { registry: `http://${registry.replace(/^localhost/, '127.0.0.1')}`, ownerType: 'user' }
    })
    workspace = await workspaceFrom('basic')
    inputs = { 'image-prefix': prefix, registry, 'registry-api': api }
    const run = async (ctx: EventContext) => {
      const r = await publish({
        workspace: await workspaceFrom('basic'),
        context: ctx,
        api: github,
        inputs: { 'image-prefix': prefix }
      })
      if (r.main.exitCode !== 0) throw new Error(`publish failed:\n${r.main.stdout.slice(-3000)}`)
    }
    pr42.first = [pullRequestContext(42)]
    pr42.second = [pullRequestContext(42)]
    const pr43 = pullRequestContext(43)
    await run(pr42.first[0])
    await run(pr42.second[0])
    await run(pr43)
    const tag = (ctx: EventContext) => `pr-42-${(ctx.headSha as string).slice(0, 7)}`
    const first = tag(pr42.first[0])
    const second = tag(pr42.second[0])
    const pr43Tag = `pr-43-${(pr43.headSha as string).slice(0, 7)}`
    // Release: api's first PR-42 digest is also v1.2.3 (as a promotion with `imagetools create` would tag it).
    const released = await registryManifest(image('api'), first)
    await copyTag(image('api'), first, 'v1.2.3')
    signatures = {
      release: await sign(image('api'), released?.digest as string, 'v1.2.3'),
      pr42: await sign(
        image('api'),
        (await registryManifest(image('api'), second))?.digest as string,
        'pr-42'
      ),
      pr43: await sign(
        image('api'),
        (await registryManifest(image('api'), pr43Tag))?.digest as string,
        'pr-43'
      )
    }
    for (const t of ['api', 'worker']) before[t] = await registryTags(image(t))
    const shaTag = (ctx: EventContext) => `sha-${ctx.sha.slice(0, 7)}`
    const secondIndex = (await registryManifest(image('api'), second))?.digest as string
    // The api release keeps the first push's commit tag (its digest stays); everything else of PR 42 goes.
    removedTags = {
      api: ['pr-42', first, second, shaTag(pr42.second[0]), `sha256-${secondIndex.slice(7)}`],
      worker: ['pr-42', first, second, shaTag(pr42.first[0]), shaTag(pr42.second[0])]
    }
    keep = {
      api: [
        ...(await digestsOf(image('api'), 'v1.2.3')),
        ...(await digestsOf(image('api'), pr43Tag)),
        signatures.release.signature,
        signatures.release.index,
        signatures.pr43.signature,
        signatures.pr43.index
      ],
      worker: await digestsOf(image('worker'), pr43Tag)
    }
    gone = {
      api: [...(await digestsOf(image('api'), second)), signatures.pr42.signature, signatures.pr42.index],
      worker: [...(await digestsOf(image('worker'), first)), ...(await digestsOf(image('worker'), second))]
    }
    dry = await cleanup({
      workspace,
      context: closedEvent(42, true),
      api: github,
      inputs: { ...inputs, 'dry-run': 'true' }
    })
    for (const t of ['api', 'worker']) afterDry[t] = await registryTags(image(t))
    closed = await cleanup({ workspace, context: closedEvent(42, true), api: github, inputs })
  })

  afterAll(async () => {
    await github?.close()
    if (workspace) await rm(workspace, { recursive: true, force: true })
  })

  it('dry-run lists what would go and why, and deletes nothing', async () => {
    expect(dry.main.exitCode).toBe(0)
    for (const t of ['api', 'worker']) expect(afterDry[t]).toEqual(before[t])
    const removed = JSON.parse(dry.main.outputs.removed) as Record<
      string,
      { deleted: string[]; untagged: string[] }
    >
    expect(removed[image('api')].deleted.sort()).toEqual([...gone.api].sort())
    expect(removed[image('worker')].deleted.sort()).toEqual([...gone.worker].sort())
    expect(dry.main.summary).toMatch(/dry run: nothing was deleted/)
    expect(dry.main.summary).toMatch(/would delete <code>sha256:[0-9a-f]{64}<\/code> — linux\/arm64 image of/)
    expect(dry.main.summary).toMatch(/attestation of the linux\/amd64 image of/)
    expect(dry.main.summary).toContain(`stays (also tagged v1.2.3)`)
  })

  it('removes exactly PR 42’s unreachable manifests: indexes, images, attestations, signatures', async () => {
    expect({
      exit: closed.main.exitCode,
      out: closed.main.exitCode ? closed.main.stdout.slice(-3000) : ''
    }).toEqual({
      exit: 0,
      out: ''
    })
    expect(JSON.parse(closed.main.outputs['pull-requests'])).toEqual([42])
    for (const t of ['api', 'worker']) {
      for (const d of gone[t]) expect({ d, exists: await exists(image(t), d) }).toEqual({ d, exists: false })
    }
    const removed = JSON.parse(closed.main.outputs.removed) as Record<string, { deleted: string[] }>
    expect(removed[image('api')].deleted.sort()).toEqual([...gone.api].sort())
    expect(closed.main.summary).toMatch(/\| <code>.*\/api<\/code> \|.*\| 7 \|/)
  })

  it('keeps PR 43 and the release with their attestations and signatures; only PR 42’s tags left', async () => {
    for (const t of ['api', 'worker']) {
      for (const d of keep[t]) expect({ d, exists: await exists(image(t), d) }).toEqual({ d, exists: true })
      expect(await registryTags(image(t))).toEqual(before[t].filter(x => !removedTags[t].includes(x)))
    }
  })

  it('leaves a release that still verifies: platforms, attestations, signature', async () => {
    const release = await describeImage(image('api'), 'v1.2.3')
    expect(release?.platforms.map(p => p.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(release?.attestations).toHaveLength(2)
    for (const a of release?.attestations ?? []) expect(a.predicateTypes.length).toBeGreaterThan(0)
    const provenance = (await imagetoolsFormat(`${image('api')}:v1.2.3`, '{{json .Provenance}}')) as Record<
      string,
      unknown
    >
    expect(Object.keys(provenance).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    const fallback = await registryManifest(image('api'), `sha256-${release?.digest.slice(7)}`)
    expect((fallback?.json.manifests as { digest: string }[]).map(m => m.digest)).toEqual([
      signatures.release.signature
    ])
  })

  it('rewrites the sticky preview comment of PR 42', () => {
    const list = github.comments.get('blacklake/demo#42') ?? []
    expect(list).toHaveLength(1)
    expect(list[0].body).toMatch(
      /^<!-- blacklake\/multiarch-action:publish\/publish -->\n### Preview images removed/
    )
    expect(list[0].body).toContain('Pull request #42 was merged')
    expect(github.comments.get('blacklake/demo#43')?.[0].body).toMatch(/### Preview images\n/)
  })

  it('on a schedule, keeps the previews of an open PR and removes those of a closed one', async () => {
    const open = await cleanup({
      workspace,
      context: scheduleEvent,
      api: github,
      inputs: { ...inputs, 'older-than': '0' }
    })
    expect(open.main.exitCode).toBe(0)
    expect(JSON.parse(open.main.outputs['pull-requests'])).toEqual([])
    expect(open.main.summary).toContain('#43: open; previews kept')
    expect((await registryTags(image('worker'))).some(t => t.startsWith('pr-43'))).toBe(true)
    await github.close()
    github = await startGitHubApi({
      repos: { [REPOSITORY]: repoFixture(REPOSITORY) },
      pulls: { '43': { state: 'closed', closed_at: new Date().toISOString() } },
      packages: { registry: `http://${registry.replace(/^localhost/, '127.0.0.1')}`, ownerType: 'user' }
    })
    const recent = await cleanup({
      workspace,
      context: scheduleEvent,
      api: github,
      inputs: { ...inputs, 'older-than': '1' }
    })
    expect(recent.main.exitCode).toBe(0)
    expect(JSON.parse(recent.main.outputs['pull-requests'])).toEqual([])
    expect(recent.main.summary).toMatch(
      /#43: closed, but its newest preview image is 0 day\(s\) old \(&lt; 1\)/
    )
    const later = await cleanup({
      workspace,
      context: scheduleEvent,
      api: github,
      inputs: { ...inputs, 'older-than': '0' }
    })
    expect(later.main.exitCode).toBe(0)
    expect(JSON.parse(later.main.outputs['pull-requests'])).toEqual([43])
    expect((await registryTags(image('worker'))).filter(t => /^pr-/.test(t))).toEqual([])
    expect(await exists(image('api'), signatures.pr43.signature)).toBe(false)
    expect(await exists(image('api'), signatures.release.signature)).toBe(true)
  })
})

/** A free port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

describe('a registry that refuses deletes', () => {
  let dir: string
  let stop: () => void
  let registry: string
  let github: GitHubApi
  let before: string[]
  let result: RunResult
  const prefix = uniqueName('cleanup-nodelete')
  const image = () => `${registry}/${prefix}/worker`

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-nodelete-'))
    const port = await freePort()
    registry = `127.0.0.1:${port}`
    await writeFile(
      path.join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log: {level: error}',
        `storage: {filesystem: {rootdirectory: ${dir}/data}, delete: {enabled: false}}`,
        `http: {addr: '${registry}'}`,
        ''
      ].join('\n')
    )
    const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' })
    stop = () => child.kill('SIGTERM')
    for (let i = 0; i < 50; i++) {
      if ((await fetch(`http://${registry}/v2/`).catch(() => undefined))?.ok) break
      await new Promise(r => setTimeout(r, 100))
    }
    github = await startGitHubApi({ repos: { [REPOSITORY]: repoFixture(REPOSITORY) } })
    const pushed = await publish({
      workspace: await workspaceFrom('basic'),
      context: pullRequestContext(42),
      api: github,
      inputs: {
        registry,
        'image-prefix': prefix,
        targets: 'worker',
        platforms: 'linux/amd64',
        'pr-comment': 'false'
      }
    })
    if (pushed.main.exitCode !== 0) throw new Error(pushed.main.stdout.slice(-3000))
    before = await registryTags(image())
    result = await cleanup({
      workspace: await workspaceFrom('basic'),
      context: closedEvent(42, false),
      api: github,
      inputs: { registry, 'image-prefix': prefix, targets: 'worker' }
    })
  })

  afterAll(async () => {
    stop?.()
    await github?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('fails with a message that says what to change, and touches nothing', async () => {
    expect(result.main.exitCode).not.toBe(0)
    expect(result.main.stdout).toMatch(
      /::error::The registry 127\.0\.0\.1:\d+ does not allow deleting manifests \(HTTP 405 UNSUPPORTED .*storage\.delete\.enabled: true.*Nothing was deleted\./
    )
    expect(before.some(t => t.startsWith('pr-42'))).toBe(true)
    expect(await registryTags(image())).toEqual(before)
    for (const tag of before) expect(await registryManifest(image(), tag)).toBeDefined()
  })
})
