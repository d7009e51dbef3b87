import { describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, writeFile, cp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { blobPath, topDescriptor, layoutSteps, removeLayouts } from '../../src/7-publish/layout-push.js'
import { FIXTURES, jsonFixture } from '../helpers/bake-fixtures.js'

// Captured: bake of a busybox target for linux/amd64,linux/arm64 to type=oci,tar=false with SBOM and provenance
// (docker driver, containerd store); only the JSON blobs are kept (see __tests__/fixtures/bake/README.md).
const LAYOUT = path.join(FIXTURES, 'oci-layout-two-platforms')
const INDEX = 'sha256:ac3b239096fdf6bd16ccf3131e8e6270b0fc899e8cca8ece9594576bad891580'

describe('OCI layout of a docker-driver build', () => {
  it('has one root, the index bake reported as containerimage.digest', async () => {
    const root = await topDescriptor(LAYOUT)
    const metadata =
      jsonFixture<Record<string, { 'containerimage.digest': string }>>('metadata-oci-layout.json')
    expect(root.digest).toBe(INDEX)
    expect(metadata.a['containerimage.digest']).toBe(root.digest)
    expect(root.mediaType).toBe('application/vnd.oci.image.index.v1+json')
  })

  it('uploads children first: each manifest after its blobs, the index last; every blob once', async () => {
    const { steps } = await layoutSteps(LAYOUT)
    const manifests = steps.filter(s => s.kind === 'manifest')
    // 2 platform manifests + 2 attestation manifests + the index.
    expect(manifests).toHaveLength(5)
    expect(steps[steps.length - 1]).toMatchObject({ kind: 'manifest', digest: INDEX })
    const index = JSON.parse(await readFile(blobPath(LAYOUT, INDEX), 'utf8')) as {
      manifests: { digest: string }[]
    }
    expect(manifests.slice(0, 4).map(m => m.digest)).toEqual(index.manifests.map(m => m.digest))
    for (const m of manifests.slice(0, 4)) {
      const json = JSON.parse(await readFile(m.path, 'utf8')) as {
        config: { digest: string }
        layers: { digest: string }[]
      }
      const at = steps.indexOf(m)
      for (const d of [json.config.digest, ...json.layers.map(l => l.digest)]) {
        const blob = steps.findIndex(s => s.kind === 'blob' && s.digest === d)
        expect(blob).toBeGreaterThanOrEqual(0)
        expect(blob).toBeLessThan(at)
      }
    }
    const blobs = steps.filter(s => s.kind === 'blob').map(s => s.digest)
    expect(new Set(blobs).size).toBe(blobs.length)
  })

  it('says what to fix when a layout is missing or has several roots', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'oci-test-'))
    await expect(topDescriptor(dir)).rejects.toThrow(
      /No OCI layout in .* the build did not export this target/
    )
    await writeFile(path.join(dir, 'index.json'), JSON.stringify({ manifests: [{}, {}] }))
    await expect(topDescriptor(dir)).rejects.toThrow(/has 2 top-level manifests; expected exactly one/)
    expect(() => blobPath(dir, 'sha256:../../etc')).toThrow(/Invalid digest/)
    await rm(dir, { recursive: true })
  })

  it('removes layout directories and never throws', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'oci-test-'))
    await cp(LAYOUT, path.join(dir, 'api'), { recursive: true })
    expect(await removeLayouts([path.join(dir, 'api'), path.join(dir, 'never-made')])).toEqual([])
    expect(existsSync(path.join(dir, 'api'))).toBe(false)
    await rm(dir, { recursive: true })
  })
})
