// The inputs docker/bake-action users carry over, through the action on the real engine: `vars` (bake variables,
// `{{version}}` filled in; the file's own VERSION kept when not asked), `call: check` as a lint gate that stops
// everything before a push, `load` (the image in the local engine), `no-cache` and `pull`, and `source` (a remote
// Git definition, served here over HTTP from a local bare repository).
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  annotations,
  describeImage,
  docker,
  publish,
  pushContext,
  registryTags,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { e2eSetup, failureOutput } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

async function release(label: string, inputs: Record<string, string>) {
  const context = pushContext('refs/tags/v1.2.3')
  const s = await e2e.publishFresh(label, { fixture: 'bake-inputs', context, inputs })
  return { ...s, image: s.image('default') }
}

describe('vars', () => {
  it("fill the bake file's variables, {{version}} the action's version", async () => {
    const s = await release('vars', { vars: 'VERSION={{version}}\nFLAVOUR=extra' })
    expect(failureOutput(s.result)).toBe('')
    const [amd64] = (await describeImage(s.image, 'v1.2.3'))!.platforms
    expect(amd64.labels).toMatchObject({ 'org.example.version': 'v1.2.3', 'org.example.flavour': 'extra' })
  })

  it("leave the file's own VERSION alone when not asked", async () => {
    const s = await release('novars', {})
    expect(failureOutput(s.result)).toBe('')
    const [amd64] = (await describeImage(s.image, 'v1.2.3'))!.platforms
    expect(amd64.labels).toMatchObject({ 'org.example.version': 'dev', 'org.example.flavour': 'plain' })
  })
})

describe('call: check', () => {
  it('fails on a finding, naming the rule, and nothing is built or pushed', async () => {
    const s = await release('lint', { targets: 'lint', call: 'check' })
    expect(s.result.main.exitCode).not.toBe(0)
    expect(annotations(s.result, 'error').join('\n')).toMatch(
      /bake --call check failed for lint: Check complete, 1 warning has been found! \(ConsistentInstructionCasing\)/
    )
    expect(await registryTags(`${e2e.registry}/${s.prefix}/lint`)).toEqual([])
  })

  it('passes a clean Dockerfile, still pushing nothing', async () => {
    const s = await release('clean', { call: 'check' })
    expect(failureOutput(s.result)).toBe('')
    expect(s.result.main.stdout).toMatch(/bake --call check: Check complete, no warnings found/)
    expect(s.result.main.outputs.pushed).toBe('false')
    expect(await registryTags(s.image)).toEqual([])
  })
})

/** Removes every tag of an image this test loaded into the local engine. */
async function removeLocal(image: string): Promise<void> {
  const refs = (await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image])).split('\n')
  for (const ref of refs.filter(Boolean)) await docker(['image', 'rm', '-f', ref]).catch(() => undefined)
}

describe('load, no-cache and pull', () => {
  it('load on a run that does not push: the image in the local engine, nothing in the registry', async () => {
    const s = await release('loadonly', { load: 'true', push: 'false' })
    try {
      expect(failureOutput(s.result)).toBe('')
      expect(await registryTags(s.image)).toEqual([])
      expect(await docker(['image', 'inspect', '--format', '{{.Id}}', `${s.image}:v1.2.3`])).toMatch(
        /sha256:/
      )
    } finally {
      await removeLocal(s.image)
    }
  })

  it('load puts the image in the local engine under its planned tags, next to the push', async () => {
    const s = await release('load', { load: 'true', 'no-cache': 'true', pull: 'true' })
    try {
      expect(failureOutput(s.result)).toBe('')
      expect(await registryTags(s.image)).toEqual(expect.arrayContaining(['v1.2.3', 'latest']))
      const inspect = JSON.parse(await docker(['image', 'inspect', `${s.image}:v1.2.3`])) as {
        Config: { Labels: Record<string, string> }
      }[]
      expect(inspect[0].Config.Labels['org.example.flavour']).toBe('plain')
      const command = s.result.main.stdout
        .split('\n')
        .find(l => l.startsWith('[command]') && / bake /.test(l))
      expect(command).toMatch(/ --no-cache --pull /)
      expect(s.result.main.stdout).not.toMatch(/RUN echo "\$VERSION \$FLAVOUR" > \/build-info\n#\d+ CACHED/)
    } finally {
      await removeLocal(s.image)
    }
  })
})

/** A read-only HTTP server for a directory: Git's "dumb" HTTP protocol needs nothing more. */
async function serve(dir: string): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]))
    if (!file.startsWith(dir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end()
      return
    }
    createReadStream(file).pipe(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

describe('source', () => {
  it('publishes from a remote Git definition; the override file is read from the runner', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'e2e-git-'))
    const src = await workspaceFrom('bake-inputs')
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd })
    git(src, 'init', '-q', '-b', 'main')
    git(src, 'add', '.')
    git(src, 'commit', '-qm', 'definition')
    git(root, 'clone', '-q', '--bare', src, 'defs.git')
    git(path.join(root, 'defs.git'), 'update-server-info')
    const server = await serve(root)
    try {
      const prefix = uniqueName('e2e-source')
      const result = await publish({
        // An empty workspace: everything comes from the remote definition.
        workspace: await mkdtemp(path.join(tmpdir(), 'e2e-empty-')),
        context: pushContext('refs/tags/v1.2.3'),
        api: e2e.api,
        inputs: { 'image-prefix': prefix, source: `${server.url}/defs.git#main` }
      })
      expect(failureOutput(result)).toBe('')
      expect(result.main.stdout).toMatch(
        /Bake definition: remote definition http:\/\/127\.0\.0\.1:\d+\/defs\.git#main/
      )
      expect(await registryTags(`${e2e.registry}/${prefix}/default`)).toEqual(
        expect.arrayContaining(['v1.2.3'])
      )
    } finally {
      server.close()
    }
  })
})
