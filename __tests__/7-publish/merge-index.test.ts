import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  checkComposed,
  createArgs,
  withFlags,
  indexAnnotations,
  indexBytes,
  type ComposedIndex
} from '../../src/7-publish/merge-index.js'
import { sha256 } from '../../src/6-registry/upload.js'
import { type ManifestJson } from '../../src/6-registry/manifest.js'

// Captured (see __tests__/fixtures/merge/README.md): the dry-run stdout, and the digest buildx then pushed.
const dryRun = readFileSync('__tests__/fixtures/merge/imagetools-create-dry-run.txt', 'utf8')
const PUSHED = 'sha256:c7a565977b9179c02607c0c36ebb35726aa5aa5588bcb4276671add3f93d8d0b'
const leg = JSON.parse(
  readFileSync('__tests__/fixtures/merge/leg-index-linux-amd64.json', 'utf8')
) as ManifestJson

const composed = (json: ManifestJson): ComposedIndex => ({
  target: 'api',
  image: 'localhost:5000/fexp-22085/api',
  digest: PUSHED,
  raw: '',
  json,
  args: []
})

describe('the index digest from the dry run', () => {
  it('is the SHA-256 of the printed bytes without the trailing newline: the digest buildx pushed', () => {
    expect(dryRun.endsWith('}\n')).toBe(true)
    expect(sha256(Buffer.from(indexBytes(dryRun)))).toBe(PUSHED)
    expect(sha256(Buffer.from(dryRun))).not.toBe(PUSHED)
  })
})

describe('createArgs and annotations', () => {
  const A = `sha256:${'a'.repeat(64)}`
  const B = `sha256:${'b'.repeat(64)}`
  const sources = {
    target: 'api',
    image: 'localhost:5000/acme/api',
    platforms: ['linux/amd64', 'linux/arm64'],
    digests: { 'linux/arm64': B, 'linux/amd64': A }
  }

  it('one source per platform in the plan order, annotations before them', () => {
    expect(createArgs(sources, ['index:k=v'], 'b1')).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--builder',
      'b1',
      '--annotation',
      'index:k=v',
      '--',
      `localhost:5000/acme/api@${A}`,
      `localhost:5000/acme/api@${B}`
    ])
  })

  it('flags added later go before the `--` that ends them', () => {
    const args = createArgs(sources, [], undefined)
    expect(withFlags(args, '--tag', 'localhost:5000/acme/api@' + A)).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--tag',
      `localhost:5000/acme/api@${A}`,
      '--',
      `localhost:5000/acme/api@${A}`,
      `localhost:5000/acme/api@${B}`
    ])
  })

  it('annotations go on the index; manifest-descriptor too when that level was asked for', () => {
    expect(indexAnnotations(['a=1', 'b=x=y'], ['manifest'])).toEqual(['index:a=1', 'index:b=x=y'])
    expect(indexAnnotations(['a=1'], ['manifest', 'manifest-descriptor'])).toEqual([
      'index:a=1',
      'manifest-descriptor:a=1'
    ])
  })
})

describe('checkComposed (captured indexes)', () => {
  const index = JSON.parse(indexBytes(dryRun)) as ManifestJson

  it('the merged index holds both platforms, each with its attestation manifest', () => {
    expect(checkComposed(composed(index), ['linux/amd64', 'linux/arm64'], true)).toEqual([])
  })

  it('a platform the plan asks for but no source brought is named', () => {
    const diffs = checkComposed(composed(leg), ['linux/amd64', 'linux/arm64'], true)
    expect(diffs).toEqual([
      expect.stringContaining('platform linux/arm64 is missing (index has linux/amd64)')
    ])
  })

  it('a source without its attestation manifest is named when attestations are required', () => {
    const bare = { ...index, manifests: index.manifests?.filter(m => m.platform?.os !== 'unknown') }
    expect(checkComposed(composed(bare), ['linux/amd64', 'linux/arm64'], true)).toHaveLength(2)
    expect(checkComposed(composed(bare), ['linux/amd64', 'linux/arm64'], false)).toEqual([])
  })
})
