// Bake's file-system entitlements on buildx >= 0.20 (here 0.29.1): the action's paths live in RUNNER_TEMP, outside
// the workspace bake runs in, and bake refuses them unless granted. With the docker driver and `cache: local`, one
// build writes OCI layouts and a local cache, the next (after pruning the builder) reads that cache back. Both
// pass, with grants of exactly those directories (never a global switch-off), and the second build's RUN layers
// come from the local cache (identical to the first build's although the step writes a fresh random id).
import { beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type ImageDescription,
  describeImage,
  docker,
  isolateBuild,
  publish,
  pushContext,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

let runnerTemp: string
let prefix: string
let workspace: string
beforeAll(async () => {
  // One RUNNER_TEMP for both runs: outside Actions the local cache stays in its directory between runs.
  runnerTemp = await mkdtemp(path.join(tmpdir(), 'e2e-runner-temp-'))
  prefix = uniqueName('e2e-allow')
  workspace = await workspaceFrom('basic')
  await isolateBuild(workspace, prefix)
})

async function build(ref: string): Promise<RunResult> {
  const result = await publish({
    workspace,
    context: pushContext(ref),
    api: e2e.api,
    env: { RUNNER_TEMP: runnerTemp },
    inputs: {
      'image-prefix': prefix,
      targets: 'api',
      cache: 'local',
      'cache-scope': 'allow-',
      sbom: 'false',
      provenance: 'false'
    }
  })
  if (result.main.exitCode !== 0) console.log(result.main.stdout, result.main.stderr)
  expect(result.main.exitCode).toBe(0)
  return result
}

/** The `--allow` arguments of the build's bake command line (the exec wrapper echoes it). */
function grants(result: RunResult): string[] {
  const line = result.main.stdout.split('\n').find(l => /buildx bake .*--metadata-file/.test(l)) ?? ''
  return [...line.matchAll(/--allow (\S+)/g)].map(m => m[1])
}

const runLayer = (d: ImageDescription, platform: string) =>
  d.platforms.find(p => p.platform === platform)?.layers[1]

describe('file-system entitlements', () => {
  it('writes OCI layouts and a local cache, then reads the cache back, each path granted exactly', async () => {
    const cacheRoot = path.join(runnerTemp, 'multiarch-cache')
    const first = await build('refs/heads/main')
    expect(grants(first)).toEqual([
      expect.stringMatching(new RegExp(`^fs\\.write=${runnerTemp}/multiarch-\\w+/oci/api$`)),
      `fs.write=${cacheRoot}/allow-api.new`
    ])
    expect(existsSync(path.join(cacheRoot, 'allow-api', 'index.json'))).toBe(true)
    const cold = (await describeImage(`${e2e.registry}/${prefix}/api`, 'main')) as ImageDescription

    await docker(['buildx', 'prune', '-af'])
    const second = await build('refs/heads/cached')
    expect(grants(second)).toEqual([
      `fs.read=${cacheRoot}/allow-api`,
      expect.stringMatching(/^fs\.write=.*\/oci\/api$/),
      `fs.write=${cacheRoot}/allow-api.new`
    ])
    expect(second.main.stdout).toMatch(/importing cache manifest from local:/)
    const warm = (await describeImage(`${e2e.registry}/${prefix}/api`, 'cached')) as ImageDescription
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      expect(runLayer(warm, platform)).toBeDefined()
      expect(runLayer(warm, platform)).toBe(runLayer(cold, platform))
    }
    for (const r of [first, second]) expect(r.main.stdout).not.toMatch(/fs=\*|BUILDX_BAKE_ENTITLEMENTS_FS/)
  })
})
