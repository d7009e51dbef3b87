// A subset of the bake-file corpus pushed for real into localhost:5000, twice: once by `docker buildx bake --push`
// itself (under one prefix) and once by the action (a v1.2.3 release, under another). What landed must be the
// same images with the same platforms; build stages (target: contexts) land nowhere; targets that declare their
// own output / cache-from / cache-to / attest (printed as objects by buildx >= 0.19) publish.
import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  describeImage,
  docker,
  imagesOutput,
  publish,
  pushContext,
  registryTags,
  run,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { bakePushes, corpusCases, type CorpusCase } from '../helpers/corpus.js'
import { e2eSetup, failureOutput } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

const relative = (image: string, prefix: string) => image.slice(`${e2e.registry}/${prefix}/`.length)

/** `bake [--print] --push` in a copy of the case, with REGISTRY and IMAGE_PREFIX as the action would pass them. */
async function bake(c: CorpusCase, prefix: string, print: boolean) {
  const ws = await workspaceFrom(c.dir)
  const args = [
    '-C',
    ws,
    'docker',
    'buildx',
    'bake',
    '--progress=plain',
    ...(print ? ['--print'] : []),
    '--push'
  ]
  const once = () =>
    run('env', ['-u', 'VERSION', ...args, ...(c.targets ?? [])], {
      env: { REGISTRY: e2e.registry, IMAGE_PREFIX: prefix }
    })
  let r = await once()
  // A target with two outputs that both name its image in the engine's store (declared-outputs' worker:
  // `type=image,push=true` and `type=docker`) races inside the engine: one exporter can fail with `image "…":
  // already exists` (about one bake in seven here, Engine 28.5). It is the ground truth's flake, not the file's;
  // the second bake finds the image there and passes.
  if (r.code !== 0 && !print && /image ".*": already exists/.test(r.stderr)) r = await once()
  if (r.code !== 0) throw new Error(`bake --push failed: ${r.stderr}`)
  return r.stdout
}

/** The platforms of the index a tag points to (attestation manifests left out). */
async function platformsAt(image: string, tag: string): Promise<string[]> {
  const d = await describeImage(image, tag)
  return (d?.platforms ?? []).map(p => p.platform).sort()
}

describe.each([
  ['base-chain', 0, 'three levels of stages under two published images'],
  ['os-variants', 1, 'two variants of one image, kept apart by the variants input'],
  ['declared-outputs', 0, 'targets declaring output, cache-from, cache-to and attest'],
  ['monorepo', 0, 'three services and a local-output docs target']
] as const)('%s: %s', (name, runIndex, _about) => {
  const c = corpusCases().find(x => x.name === name) as CorpusCase
  const prefixes = { bake: uniqueName(`e2e-bake-${name}`), action: uniqueName(`e2e-act-${name}`) }
  let pushes: ReturnType<typeof bakePushes>
  let result: RunResult

  beforeAll(async () => {
    pushes = bakePushes(await bake(c, prefixes.bake, true))
    await bake(c, prefixes.bake, false)
    result = await publish({
      workspace: await workspaceFrom(c.dir),
      context: pushContext('refs/tags/v1.2.3'),
      api: e2e.api,
      inputs: {
        'image-prefix': prefixes.action,
        ...(c.targets ? { targets: c.targets.join(',') } : {}),
        ...(c.runs[runIndex].inputs ?? {})
      }
    })
    // With the docker driver bake --push also keeps what it pushed in the engine's image store (and
    // declared-outputs loads `worker` there): remove what this test's bake put there.
    for (const ref of pushes.flatMap(p => p.references)) {
      await docker(['image', 'rm', '-f', ref]).catch(() => undefined)
    }
  })

  it('the action publishes, every image tagged', () => {
    expect(failureOutput(result)).toBe('')
    expect(result.main.outputs.pushed).toBe('true')
  })

  it('the same images landed, with the same platforms, as bake --push put there', async () => {
    const images = imagesOutput(result) as Record<string, { image: string; tags: string[] }>
    const landed = Object.entries(images).map(([target, i]) => [target, relative(i.image, prefixes.action)])
    expect(landed.sort()).toEqual(
      pushes.map(p => [p.target, relative(p.repositories[0], prefixes.bake)]).sort()
    )
    for (const p of pushes) {
      const ours = images[p.target]
      const ref = ours.tags.find(t => /:v1\.2\.3/.test(t)) as string
      expect(ref).toBeDefined()
      const tag = ref.slice(ours.image.length + 1)
      const theirs = p.references[0]
      expect([p.target, await platformsAt(ours.image, tag)]).toEqual([
        p.target,
        await platformsAt(p.repositories[0], theirs.slice(p.repositories[0].length + 1))
      ])
    }
  })

  it('two targets never share a reference', () => {
    const refs = Object.values(imagesOutput(result) as Record<string, { tags: string[] }>).flatMap(
      i => i.tags
    )
    expect(new Set(refs).size).toBe(refs.length)
  })

  it('stages and non-image targets land nowhere, in either run', async () => {
    const published = new Set(pushes.map(p => p.target))
    const others = ['os', 'runtime', 'docs'].filter(t => !published.has(t))
    for (const t of others) {
      for (const prefix of [prefixes.bake, prefixes.action]) {
        expect([t, await registryTags(`${e2e.registry}/${prefix}/${t}`)]).toEqual([t, []])
      }
    }
  })
})
