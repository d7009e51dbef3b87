// Release flow on the real engine: a push of tag v1.2.3 publishes BlackLake's fixture images (two targets of
// __tests__/e2e/fixtures/blacklake) for linux/amd64 + linux/arm64 with exactly the release tag set, one
// attestation manifest per platform (our SPDX generator's SBOM + SLSA provenance) and OCI labels; the arm64
// image runs under QEMU; then a pre-release v2.0.0-rc.1 adds only its own tags and moves neither latest nor v2.
import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  type EventContext,
  type ImageDescription,
  describeImage,
  docker,
  imagesOutput,
  imagetoolsFormat,
  publish,
  pushContext,
  registryTags,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

const TARGETS = ['api', 'jobrunner']
const PLATFORMS = ['linux/amd64', 'linux/arm64']

interface SpdxDocument {
  spdxVersion: string
  creationInfo: { creators: string[] }
  packages: { name: string }[]
  files: { fileName: string }[]
}

let prefix: string
let release: { context: EventContext; result: RunResult }
const image = (target: string) => `${e2e.registry}/${prefix}/${target}`
const short = (sha: string) => `sha-${sha.slice(0, 7)}`

beforeAll(async () => {
  prefix = uniqueName('e2e-release')
  const context = pushContext('refs/tags/v1.2.3')
  const result = await publish({
    workspace: await workspaceFrom('blacklake'),
    context,
    api: e2e.api,
    inputs: { targets: TARGETS.join(','), 'image-prefix': prefix }
  })
  release = { context, result }
})

describe('release v1.2.3 (two targets)', () => {
  it('succeeds and says it pushed', () => {
    const { main } = release.result
    if (main.exitCode !== 0) console.log(main.stdout, main.stderr)
    expect(main.exitCode).toBe(0)
    expect(main.outputs.pushed).toBe('true')
    expect(main.outputs.version).toMatch(/^v?1\.2\.3$/)
  })

  it.each(TARGETS)('%s has exactly v1.2.3 v1.2 v1 latest sha-<7> in the registry', async target => {
    expect(await registryTags(image(target))).toEqual(
      ['latest', short(release.context.sha), 'v1', 'v1.2', 'v1.2.3'].sort()
    )
  })

  it.each(TARGETS)('every tag of %s resolves to one index, the digest the outputs report', async target => {
    const description = (await describeImage(image(target), 'v1.2.3')) as ImageDescription
    for (const tag of ['latest', 'v1', 'v1.2', short(release.context.sha)]) {
      expect((await describeImage(image(target), tag))?.digest).toBe(description.digest)
    }
    const out = imagesOutput(release.result)[target]
    expect(out).toBeDefined()
    expect(out.digest).toBe(description.digest)
    expect(out.pushed).toBe(true)
    expect([...out.platforms].sort()).toEqual(PLATFORMS)
    // The `tags` output lists every pushed reference: exactly the release set of this image.
    const refs = release.result.main.outputs.tags.split('\n').filter(r => r.startsWith(`${image(target)}:`))
    const expected = ['latest', short(release.context.sha), 'v1', 'v1.2', 'v1.2.3'].map(
      t => `${image(target)}:${t}`
    )
    expect(refs.sort()).toEqual(expected.sort())
  })

  it.each(TARGETS)(
    '%s: amd64 + arm64, one attestation manifest per platform with SBOM and provenance',
    async t => {
      const d = (await describeImage(image(t), 'v1.2.3')) as ImageDescription
      expect(d.platforms.map(p => p.platform)).toEqual(PLATFORMS)
      expect(d.attestations).toHaveLength(2)
      expect(d.attestations.map(a => a.refersTo).sort()).toEqual(d.platforms.map(p => p.digest).sort())
      for (const a of d.attestations) {
        expect(a.predicateTypes).toContain('https://spdx.dev/Document')
        expect(a.predicateTypes.some(p => /^https:\/\/slsa\.dev\/provenance\//.test(p))).toBe(true)
      }
    }
  )

  it('the SBOM is the fixture generator SPDX document and the provenance records the build', async () => {
    const ref = `${image('api')}:v1.2.3`
    const sbom = (await imagetoolsFormat(ref, '{{json .SBOM}}')) as Record<string, { SPDX: SpdxDocument }>
    expect(Object.keys(sbom).sort()).toEqual(PLATFORMS)
    for (const platform of PLATFORMS) {
      const spdx = sbom[platform].SPDX
      expect(spdx.spdxVersion).toBe('SPDX-2.3')
      expect(spdx.creationInfo.creators).toContain('Tool: multiarch-e2e-sbom-scanner-1.0')
      expect(spdx.packages.map(p => p.name)).toContain('busybox-static')
      expect(spdx.files.map(f => f.fileName)).toContain('/opt/blacklake/runtime-arch')
    }
    const provenance = (await imagetoolsFormat(ref, '{{json .Provenance}}')) as Record<
      string,
      { SLSA: { buildType: string; invocation?: { configSource?: unknown } } }
    >
    for (const platform of PLATFORMS) expect(provenance[platform].SLSA.buildType).toBeTruthy()
  })

  it.each(TARGETS)('%s carries the OCI labels on each platform config', async target => {
    const d = (await describeImage(image(target), 'v1.2.3')) as ImageDescription
    for (const p of d.platforms) {
      expect(p.labels['org.opencontainers.image.version']).toMatch(/^v?1\.2\.3$/)
      expect(p.labels['org.opencontainers.image.revision']).toBe(release.context.sha)
      expect(p.labels['org.opencontainers.image.source']).toBe('https://github.com/blacklake/demo')
      expect(p.labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/)
      expect(p.labels['org.opencontainers.image.title']).toBe(`blacklake-${target}`)
      expect(p.labels['org.opencontainers.image.vendor']).toBe('BlackLake')
    }
  })

  it('the arm64 image really runs under QEMU', async () => {
    const ref = `${image('jobrunner')}:v1.2.3`
    const args = ['run', '--rm', '--pull', 'always', '--platform', 'linux/arm64', ref]
    expect((await docker([...args, 'uname', '-m'])).trim()).toBe('aarch64')
    // Recorded at build time by a RUN step of the final stage: it executed on (emulated) arm64 too.
    expect((await docker([...args, 'cat', '/opt/blacklake/runtime-arch'])).trim()).toBe('aarch64')
  })

  it('the summary names each image and digest', async () => {
    const d = (await describeImage(image('api'), 'v1.2.3')) as ImageDescription
    expect(release.result.main.summary).toContain(`${prefix}/api`)
    expect(release.result.main.summary).toContain(d.digest)
  })
})

describe('pre-release v2.0.0-rc.1', () => {
  let context: EventContext
  let result: RunResult
  const before: Record<string, string | undefined> = {}
  beforeAll(async () => {
    for (const t of TARGETS) before[t] = (await describeImage(image(t), 'latest'))?.digest
    context = pushContext('refs/tags/v2.0.0-rc.1')
    result = await publish({
      workspace: await workspaceFrom('blacklake'),
      context,
      api: e2e.api,
      inputs: { targets: TARGETS.join(','), 'image-prefix': prefix, platforms: 'linux/amd64' }
    })
  })

  it('pushes only v2.0.0-rc.1 and sha-<7>; latest stays on v1.2.3; no v2, v2.0', async () => {
    if (result.main.exitCode !== 0) console.log(result.main.stdout, result.main.stderr)
    expect(result.main.exitCode).toBe(0)
    for (const t of TARGETS) {
      expect(await registryTags(image(t))).toEqual(
        [
          'latest',
          short(release.context.sha),
          short(context.sha),
          'v1',
          'v1.2',
          'v1.2.3',
          'v2.0.0-rc.1'
        ].sort()
      )
      const latest = await describeImage(image(t), 'latest')
      expect(latest?.digest).toBe(before[t])
      expect(latest?.digest).toBe((await describeImage(image(t), 'v1.2.3'))?.digest)
      expect((await describeImage(image(t), 'v2.0.0-rc.1'))?.digest).not.toBe(before[t])
    }
  })
})
