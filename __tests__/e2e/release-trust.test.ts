// The release rules on the real engine, through the built action (docker driver: OCI layouts pushed by digest
// by the action itself): monotonic floating tags, immutable release tags, atomic multi-target publish, retries
// through a flaky registry, a tag move that keeps failing (every moved tag put back, then a re-run completes),
// the sticky PR comment (created, then updated in place; a planted marked comment is left alone) and no API
// call for a fork PR. Every assertion reads the registry or the local GitHub API's records; each scenario has
// its own image prefix.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { RegistryClient } from '../../src/6-registry/client.js'
import {
  annotations,
  describeImage,
  REPO_ROOT,
  run,
  imagesOutput,
  publish,
  pullRequestContext,
  pushContext,
  registryTags,
  uniqueName,
  workspaceFrom,
  type EventContext
} from '../../scripts/harness/e2e.mjs'
import { startFlakyProxy, type FlakyProxy } from '../../scripts/harness/flaky-proxy.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup({ identities: { 'mallory-token': { login: 'mallory', type: 'User' } } })

const AMD64 = { platforms: 'linux/amd64' }

function ok(r: RunResult): void {
  if (r.main.exitCode !== 0) console.log(r.main.stdout.slice(-6000), r.main.stderr)
  expect(r.main.exitCode).toBe(0)
}

/** tag → index digest, for every tag of an image. */
async function tagDigests(image: string): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {}
  for (const tag of await registryTags(image)) out[tag] = (await describeImage(image, tag))?.digest
  return out
}

async function release(
  fixture: string,
  ref: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<{ context: EventContext; result: RunResult }> {
  const context = pushContext(ref)
  const result = await publish({
    workspace: await workspaceFrom(fixture),
    context,
    api: e2e.api,
    inputs,
    env
  })
  return { context, result }
}

describe('monotonic floating tags: v1.3.0, then v1.2.9', () => {
  const prefix = uniqueName('trust-mono')
  const image = () => `${e2e.registry}/${prefix}/api`
  let first: { result: RunResult }
  let second: { context: EventContext; result: RunResult }
  beforeAll(async () => {
    const inputs = { targets: 'api', 'image-prefix': prefix, ...AMD64 }
    first = await release('basic', 'refs/tags/v1.3.0', inputs)
    second = await release('basic', 'refs/tags/v1.2.9', inputs)
  })

  it('latest and v1 stay on 1.3.0; v1.2 moves to 1.2.9', async () => {
    ok(first.result)
    ok(second.result)
    const d = await tagDigests(image())
    const v130 = imagesOutput(first.result).api.digest
    const v129 = imagesOutput(second.result).api.digest
    expect(v130).not.toBe(v129)
    expect(d['v1.3.0']).toBe(v130)
    expect(d['v1.3']).toBe(v130)
    expect(d.latest).toBe(v130)
    expect(d.v1).toBe(v130)
    expect(d['v1.2.9']).toBe(v129)
    expect(d['v1.2']).toBe(v129)
    expect(d[`sha-${second.context.sha.slice(0, 7)}`]).toBe(v129)
  })

  it('the outputs and the summary say which tags were withheld and why', () => {
    const out = imagesOutput(second.result).api
    expect(out.tags.map(t => t.slice(image().length + 1)).sort()).toEqual(
      ['v1.2', 'v1.2.9', `sha-${second.context.sha.slice(0, 7)}`].sort()
    )
    const summary = second.result.main.summary
    expect(summary).toMatch(
      /not moved: <code>v1<\/code> \(v1\.2\.9 &lt; v1\.3\.0\), <code>latest<\/code> \(v1\.2\.9 &lt; v1\.3\.0\)/
    )
    // Said once, in that line: no second list or table repeats it.
    expect(summary.split('v1.2.9 &lt; v1.3.0')).toHaveLength(3)
    expect(second.result.main.stdout).toContain(`${image()}:latest will not move: v1.2.9 < v1.3.0`)
  })

  it('pushed by digest from an OCI layout that is gone after the run; no staging tag', async () => {
    expect(second.result.main.stdout).toMatch(/api: pushed \S+@sha256:[0-9a-f]{64} \(\d+ manifests/)
    const left = await readdir(second.result.temp, { recursive: true })
    expect(left.filter(f => /(^|\/)oci(\/|$)/.test(String(f)))).toEqual([])
    expect(await registryTags(image())).not.toContain('multiarch-staging')
  })

  it('the CLI plans a v1.2.8 from this registry: one row, what would move, what would stay and why', async () => {
    const dir = await workspaceFrom('basic')
    const git = (...a: string[]) => run('git', ['-C', dir, ...a])
    await git('init', '-q')
    await git('add', '-A')
    await git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'fixture')
    const cli = path.join(process.env.E2E_ACTION_DIR || REPO_ROOT, 'dist/cli.js')
    const args = ['plan', '--ref', 'refs/tags/v1.2.8', '--targets', 'api', '--registry', e2e.registry]
    args.push('--image-prefix', prefix, '--driver', 'docker', '--cache', 'none', '--platforms', 'linux/amd64')
    const view = await run(process.execPath, [cli, ...args, '--workdir', dir])
    expect([view.code, view.stderr]).toEqual([0, expect.any(String)])
    expect(view.stdout).toMatch(/^api +\S+\/api +linux\/amd64 +v1\.2\.8 sha-[0-9a-f]{7}$/m)
    expect(view.stdout).toContain('api: v1.2 would stay where it is (v1.2.8 < v1.2.9)')
    expect(view.stdout).toContain('api: v1, latest would stay where they are (v1.2.8 < v1.3.0)')
    expect(view.stdout).not.toMatch(/<code>|::|^\{/m)
    const json = await run(process.execPath, [cli, ...args, '--workdir', dir, '--json'])
    const target = JSON.parse(json.stdout).targets[0]
    expect(target.withheld.map((w: { tag: string }) => w.tag)).toEqual(['v1.2', 'v1', 'latest'])
    expect(await registryTags(image())).not.toContain('v1.2.8')
  })

  it('the images output carries build metrics per platform (size and layers from the registry)', () => {
    const metrics = imagesOutput(second.result).api.metrics as Record<
      string,
      { sizeBytes: number; layers: number }
    >
    expect(metrics['linux/amd64'].layers).toBeGreaterThan(0)
    expect(metrics['linux/amd64'].sizeBytes).toBeGreaterThan(0)
    expect(second.result.main.summary).toContain('### Build metrics')
  })
})

describe('a release published while another builds: floating tags decided at tag time', () => {
  const prefix = uniqueName('trust-race')
  const image = () => `${e2e.registry}/${prefix}/slow`
  let v200 = ''
  let racing: RunResult
  let injectedDuringBuild = false
  beforeAll(async () => {
    const workspace = await workspaceFrom('basic')
    // A target whose build takes a while (the sleep is never cached: BUST changes every run).
    await writeFile(
      path.join(workspace, 'Dockerfile.slow'),
      'ARG BASE_IMAGE=localhost:5000/base/busybox:latest\nFROM ${BASE_IMAGE}\nARG BUST\nRUN echo $BUST && sleep 12\n'
    )
    await writeFile(
      path.join(workspace, 'slow.hcl'),
      'target "slow" {\n  context = "."\n  dockerfile = "Dockerfile.slow"\n  platforms = ["linux/amd64"]\n}\n'
    )
    const inputs = (bust: string) => ({
      files: 'slow.hcl',
      targets: 'slow',
      'image-prefix': prefix,
      set: `slow.args.BUST=${bust}`
    })
    const first = await publish({
      workspace,
      context: pushContext('refs/tags/v2.0.0'),
      api: e2e.api,
      inputs: inputs('a')
    })
    ok(first)
    v200 = imagesOutput(first).slow.digest
    // v2.0.9 starts; while it builds, v2.1.0 is published (here: its tags, put on an index by hand).
    let finished = false
    const started = publish({
      workspace,
      context: pushContext('refs/tags/v2.0.9'),
      api: e2e.api,
      inputs: inputs(randomBytes(8).toString('hex'))
    }).finally(() => (finished = true))
    // The build is running (BuildKit's build record says so): the release check before it has passed.
    const record = `${path.basename(workspace)}/Dockerfile.slow\tRunning`
    for (let waited = 0; waited < 120_000; waited += 300) {
      const ls = await run('docker', ['buildx', 'history', 'ls', '--format', '{{.Name}}\t{{.Status}}'])
      if (ls.stdout.includes(record)) break
      await new Promise(resolve => setTimeout(resolve, 300))
    }
    injectedDuringBuild = !finished
    const client = new RegistryClient()
    const index = await client.getManifest(`${image()}@${v200}`)
    if (!index) throw new Error('v2.0.0 index missing')
    for (const tag of ['v2.1.0', 'v2.1', 'v2', 'latest']) {
      await client.pushManifest(image(), tag, { mediaType: index.mediaType, raw: Buffer.from(index.raw) })
    }
    injectedDuringBuild &&= !finished
    racing = await started
  })

  it('v2.0.9 moves v2.0.9 and v2.0, and leaves v2 and latest to v2.1.0', async () => {
    ok(racing)
    expect(injectedDuringBuild).toBe(true)
    const d = await tagDigests(image())
    const v209 = imagesOutput(racing).slow.digest
    expect([d['v2.0.9'], d['v2.0']]).toEqual([v209, v209])
    expect([d.v2, d.latest, d['v2.1.0']]).toEqual([v200, v200, v200])
    expect(racing.main.stdout).toContain(`${image()}:latest: not moved (v2.0.9 < v2.1.0)`)
  })
})

describe('immutable release tags', () => {
  const prefix = uniqueName('trust-immutable')
  const image = () => `${e2e.registry}/${prefix}/api`
  let before: Record<string, string | undefined>
  let again: RunResult
  beforeAll(async () => {
    const inputs = { targets: 'api', 'image-prefix': prefix, ...AMD64 }
    ok((await release('basic', 'refs/tags/v1.2.3', inputs)).result)
    before = await tagDigests(image())
    // Same tag, another commit: different content (the Dockerfile records a fresh build id).
    again = (await release('basic', 'refs/tags/v1.2.3', inputs)).result
  })

  it('a re-release of v1.2.3 fails before pushing, naming the image and the tag', () => {
    expect(again.main.exitCode).not.toBe(0)
    const error = annotations(again, 'error').join('\n')
    expect(error).toContain(`${image()}:v1.2.3 already exists (${before['v1.2.3']})`)
    expect(error).toContain('nothing was pushed')
    expect(error).toContain('`overwrite: true`')
    // Refused in the plan: nothing was built.
    expect(again.main.stdout).not.toMatch(/exporting manifest list/)
    expect(again.main.outputs.pushed).toBe('false')
  })

  it('the registry is unchanged', async () => {
    expect(await tagDigests(image())).toEqual(before)
  })

  it('overwrite: true replaces it', async () => {
    const forced = (
      await release('basic', 'refs/tags/v1.2.3', {
        targets: 'api',
        'image-prefix': prefix,
        overwrite: 'true',
        ...AMD64
      })
    ).result
    ok(forced)
    const after = await tagDigests(image())
    expect(after['v1.2.3']).toBe(imagesOutput(forced).api.digest)
    expect(after['v1.2.3']).not.toBe(before['v1.2.3'])
  })
})

describe('atomic multi-target publish: one target fails on arm64', () => {
  const prefix = uniqueName('trust-atomic')
  const image = (t: string) => `${e2e.registry}/${prefix}/${t}`
  const before: Record<string, Record<string, string | undefined>> = {}
  let failed: RunResult
  beforeAll(async () => {
    const inputs = { files: 'platform-fail.hcl', targets: 'default', 'image-prefix': prefix }
    // v1.0.0 on amd64 only: both targets build.
    ok((await release('basic', 'refs/tags/v1.0.0', { ...inputs, ...AMD64 })).result)
    for (const t of ['good', 'bad']) before[t] = await tagDigests(image(t))
    failed = (await release('basic', 'refs/tags/v1.0.1', inputs)).result
  })

  it('fails, naming the target and platform', () => {
    expect(failed.main.exitCode).not.toBe(0)
    expect(annotations(failed, 'error').join('\n')).toMatch(/bad \(linux\/arm64\)/)
    expect(failed.main.outputs.pushed).toBe('false')
  })

  it('no tag moved for either image; no v1.0.1 anywhere', async () => {
    for (const t of ['good', 'bad']) {
      expect(Object.keys(before[t]).length).toBeGreaterThanOrEqual(4)
      expect(await tagDigests(image(t))).toEqual(before[t])
    }
  })

  it('the summary says what was built and left unpublished', () => {
    expect(failed.main.summary).toMatch(/\*\*good\*\* .*nothing published/)
    expect(failed.main.summary).toMatch(/\*\*bad\*\* .*nothing published/)
  })
})

describe('a registry that answers 503 twice, then works', () => {
  let proxy: FlakyProxy
  let result: RunResult
  const prefix = uniqueName('trust-flaky')
  beforeAll(async () => {
    proxy = await startFlakyProxy({ target: 'http://127.0.0.1:5000', failures: 2 })
    result = (
      await release('basic', 'refs/tags/v2.0.0', {
        targets: 'api',
        'image-prefix': prefix,
        registry: proxy.host,
        ...AMD64
      })
    ).result
  })
  afterAll(async () => proxy?.close())

  it('publishes, with exactly two logged retries', async () => {
    ok(result)
    expect(proxy.injected).toBe(2)
    const retries = annotations(result, 'warning').filter(w => /attempt \d+ failed .*503.*retrying/.test(w))
    expect(retries).toHaveLength(2)
    const tags = await registryTags(`${e2e.registry}/${prefix}/api`)
    expect(tags).toEqual(expect.arrayContaining(['v2.0.0', 'v2.0', 'v2', 'latest']))
  })
})

describe('a tag move that keeps failing: all or nothing, then the re-run completes', () => {
  let proxy: FlakyProxy
  const prefix = uniqueName('trust-allornothing')
  const image = (t: string) => `${e2e.registry}/${prefix}/${t}`
  const before: Record<string, Record<string, string | undefined>> = {}
  const afterFailure: Record<string, Record<string, string | undefined>> = {}
  let failing = false
  let attempts = 0
  let failed: RunResult
  let rerun: RunResult
  beforeAll(async () => {
    // Every attempt (the first and the 5 retries) of worker:latest's move gets a 503; the put-back passes.
    proxy = await startFlakyProxy({
      target: 'http://127.0.0.1:5000',
      failures: 1_000_000,
      match: req =>
        failing &&
        req.method === 'PUT' &&
        /\/worker\/manifests\/latest$/.test(req.url ?? '') &&
        ++attempts <= 6
    })
    const inputs = { targets: 'api,worker', 'image-prefix': prefix, registry: proxy.host, ...AMD64 }
    const at = (r: string) => ({ workspace: '', context: pushContext(r), api: e2e.api, inputs })
    const run = async (o: ReturnType<typeof at>) => publish({ ...o, workspace: await workspaceFrom('basic') })
    ok(await run(at('refs/tags/v1.0.0')))
    for (const t of ['api', 'worker']) before[t] = await tagDigests(image(t))
    const release = at('refs/tags/v1.1.0')
    failing = true
    failed = await run(release)
    failing = false
    for (const t of ['api', 'worker']) afterFailure[t] = await tagDigests(image(t))
    // The same release again (same commit, as GitHub's re-run has it).
    rerun = await run(release)
  })
  afterAll(async () => proxy?.close())

  it('fails, saying the tag that failed and that every moved tag was put back', () => {
    expect(failed.main.exitCode).not.toBe(0)
    const error = annotations(failed, 'error').join('\n')
    expect(error).toMatch(/Tagging \S+\/worker:latest failed: .*503/)
    expect(error).toContain('Every tag this run moved was put back')
    expect(failed.main.outputs.pushed).toBe('false')
    expect(proxy.injected).toBe(6)
  })

  it('the registry holds exactly the tags it held before', async () => {
    for (const t of ['api', 'worker']) expect(afterFailure[t]).toEqual(before[t])
  })

  it('the re-run publishes the whole release', async () => {
    ok(rerun)
    for (const t of ['api', 'worker']) {
      const d = await tagDigests(image(t))
      const digest = imagesOutput(rerun)[t].digest
      for (const tag of ['v1.1.0', 'v1.1', 'v1', 'latest']) expect([t, tag, d[tag]]).toEqual([t, tag, digest])
      expect(d['v1.0.0']).toBe(before[t]['v1.0.0'])
    }
  })
})

describe('PR previews: sticky comment', () => {
  const prefix = uniqueName('trust-pr')
  const PLANTED = '<!-- blacklake/multiarch-action:publish/publish -->'
  const calls = () => e2e.api.calls.filter(c => /\/issues\/(\d+\/)?comments/.test(c.path))
  let first: RunResult
  let second: RunResult
  let ctx2: EventContext
  beforeAll(async () => {
    const inputs = { targets: 'api', 'image-prefix': prefix, ...AMD64 }
    // Anyone who can comment can post a comment that starts with the action's marker.
    await fetch(`${e2e.api.url}/repos/blacklake/demo/issues/7/comments`, {
      method: 'POST',
      headers: { authorization: 'token mallory-token' },
      body: JSON.stringify({ body: `${PLANTED}\nPull evil.example/api:pr-7` })
    })
    const ctx1 = pullRequestContext(7)
    first = await publish({ workspace: await workspaceFrom('basic'), context: ctx1, api: e2e.api, inputs })
    ctx2 = pullRequestContext(7)
    second = await publish({ workspace: await workspaceFrom('basic'), context: ctx2, api: e2e.api, inputs })
  })

  it('pushes pr-7 and pr-7-<short head sha>', async () => {
    ok(first)
    ok(second)
    const tags = await registryTags(`${e2e.registry}/${prefix}/api`)
    expect(tags).toContain('pr-7')
    expect(tags).toContain(`pr-7-${(ctx2.headSha as string).slice(0, 7)}`)
  })

  it('creates its own comment once, then updates it in place; the planted one is left alone', () => {
    const writes = calls().filter(c => c.method !== 'GET')
    expect(
      writes.map(c => `${c.method} ${c.path} ${c.token === 'mallory-token' ? 'mallory' : 'action'}`)
    ).toEqual([
      'POST /repos/blacklake/demo/issues/7/comments mallory',
      'POST /repos/blacklake/demo/issues/7/comments action',
      expect.stringMatching(/^PATCH \/repos\/blacklake\/demo\/issues\/comments\/\d+ action$/)
    ])
    const list = e2e.api.comments.get('blacklake/demo#7') ?? []
    expect(list.map(c => c.user.login)).toEqual(['mallory', 'github-actions[bot]'])
    expect(list[0].body).toContain('evil.example')
    const digest = imagesOutput(second).api.digest
    expect(list[1].body).toContain(`docker pull ${e2e.registry}/${prefix}/api@${digest}`)
    expect(list[1].body).toContain(`pr-7-${(ctx2.headSha as string).slice(0, 7)}`)
    expect(list[1].body.startsWith(`${PLANTED}\n`)).toBe(true)
  })
})

describe('PR from a fork', () => {
  const prefix = uniqueName('trust-fork')
  let result: RunResult
  let callsBefore: number
  beforeAll(async () => {
    callsBefore = e2e.api.calls.filter(c => /comments/.test(c.path)).length
    result = await publish({
      workspace: await workspaceFrom('basic'),
      context: pullRequestContext(8, { fork: true }),
      api: e2e.api,
      inputs: { targets: 'api', 'image-prefix': prefix, ...AMD64 }
    })
  })

  it('builds, pushes nothing, makes no comment API call and says why', async () => {
    ok(result)
    expect(e2e.api.calls.filter(c => /comments/.test(c.path))).toHaveLength(callsBefore)
    expect(await registryTags(`${e2e.registry}/${prefix}/api`)).toEqual([])
    expect(annotations(result, 'notice').join('\n')).toMatch(/fork/)
    expect(result.main.summary).toMatch(/No PR comment: pull request from a fork/)
  })
})

describe('registry-client uploads against the real registry', () => {
  const client = new RegistryClient()
  const blob = async (size: number) => {
    const bytes = randomBytes(size)
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'blob-')), 'b')
    await writeFile(file, bytes)
    return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size, path: file }
  }

  it('uploads monolithic and chunked, skips what exists, and pushes a manifest by digest then by tag', async () => {
    const image = `${e2e.registry}/${uniqueName('trust-upload')}/raw`
    const small = await blob(1500)
    const large = await blob(10_000)
    expect(await client.pushBlob(image, small)).toBe('uploaded')
    expect(await client.pushBlob(image, large, { chunkSize: 4096 })).toBe('uploaded')
    expect(await client.pushBlob(image, large, { chunkSize: 4096 })).toBe('exists')
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: small.digest,
          size: small.size
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: large.digest, size: large.size }
        ]
      })
    )
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`
    const mediaType = 'application/vnd.oci.image.manifest.v1+json'
    expect(await client.pushManifest(image, digest, { mediaType, raw: manifest })).toBe(digest)
    expect(await registryTags(image)).toEqual([])
    expect(await client.pushManifest(image, 'v1', { mediaType, raw: manifest })).toBe(digest)
    expect(await client.headDigest(`${image}:v1`)).toBe(digest)
  })

  it('a manifest whose blobs are missing is refused with the reason', async () => {
    const image = `${e2e.registry}/${uniqueName('trust-upload')}/raw`
    const raw = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: `sha256:${'0'.repeat(64)}`,
          size: 2
        },
        layers: []
      })
    )
    await expect(
      client.pushManifest(image, 'v1', { mediaType: 'application/vnd.oci.image.manifest.v1+json', raw })
    ).rejects.toThrow(/400|404|MANIFEST_BLOB_UNKNOWN|blob unknown/i)
  })
})

describe('secret guard', () => {
  const token = `ghp_${'Ab1'.repeat(12)}`
  let result: RunResult
  const prefix = uniqueName('trust-secret')
  beforeAll(async () => {
    const workspace = await workspaceFrom('basic')
    // A bake file that passes a GitHub token as a build arg: mode=max provenance would publish it.
    await writeFile(
      path.join(workspace, 'secret.hcl'),
      `target "api" {\n  context = "."\n  dockerfile = "Dockerfile"\n  args = { GH_TOKEN = "${token}" }\n}\n`
    )
    result = await publish({
      workspace,
      context: pushContext('refs/tags/v1.0.0'),
      api: e2e.api,
      inputs: { files: 'secret.hcl', targets: 'api', 'image-prefix': prefix, ...AMD64 }
    })
  })

  it('refuses before building, names the argument, points to secrets, never prints the value', async () => {
    expect(result.main.exitCode).not.toBe(0)
    const error = annotations(result, 'error').join('\n')
    expect(error).toContain('build arg GH_TOKEN')
    expect(error).toContain('--secret')
    expect(error).toContain('allow-secret-build-args')
    expect(result.main.stdout).not.toMatch(/Buildx, QEMU and builder|exporting/)
    expect(`${result.main.stdout}${result.main.summary}`).not.toContain(token)
    expect(await registryTags(`${e2e.registry}/${prefix}/api`)).toEqual([])
  })
})
