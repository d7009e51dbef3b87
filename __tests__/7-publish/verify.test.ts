import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { verificationMessage, verifyImage, type VerifyInput } from '../../src/7-publish/verify.js'
import { type ManifestJson, describeIndex } from '../../src/6-registry/manifest.js'
import { normalizePlatform } from '../../src/lib/platform.js'

const dir = path.join(process.cwd(), '__tests__/fixtures/registry')
const raw = readFileSync(path.join(dir, 'index-attested.json'), 'utf8')
const noAttest = readFileSync(path.join(dir, 'index-no-attestations.json'), 'utf8')
const single = readFileSync(path.join(dir, 'manifest-linux-amd64.json'), 'utf8')
const digestOf = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`
const DIGEST = digestOf(raw)
const AMD64 = 'sha256:816e5d24f04fb2b76421fbde76766986b1f4295cd4b8fb9531627b37d6ee7256'
const image = 'localhost:5000/fixtures-e/api'

const base: VerifyInput = {
  image,
  index: raw,
  digest: DIGEST,
  platforms: ['linux/amd64', 'linux/arm64'],
  attestations: true,
  tags: { v1: DIGEST, latest: DIGEST }
}

/** The captured index with its entries edited. */
function edited(edit: (m: NonNullable<ManifestJson['manifests']>) => void): ManifestJson {
  const json = JSON.parse(raw) as ManifestJson
  edit(json.manifests!)
  return json
}

describe('verifyImage on a captured BuildKit index', () => {
  it('the fixture digest is the one the registry reported', () => {
    expect(DIGEST).toBe('sha256:a799257202aba2167dabefc747fa8533a612ab426901da2855955113b616ba6a')
  })

  it('describes platforms and attestations', () => {
    const d = describeIndex(JSON.parse(raw))
    expect(d.images.map(i => i.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(d.attestations.map(a => a.subject)).toEqual(d.images.map(i => i.digest))
  })

  it.each<[string, Partial<VerifyInput>, unknown[]]>([
    ['everything as requested', {}, []],
    ['arm64/v8 is arm64', { platforms: ['linux/amd64', 'linux/arm64/v8'] }, []],
    [
      'a requested platform is missing',
      { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
      [`${image}@sha256:a799257202ab…: platform linux/arm/v7 is missing (index has linux/amd64, linux/arm64)`]
    ],
    [
      'an extra platform',
      { platforms: ['linux/amd64'] },
      [`${image}@sha256:a799257202ab…: platform linux/arm64 was not requested`]
    ],
    [
      'a tag on another digest and a missing tag',
      { tags: { v1: DIGEST, latest: 'sha256:' + 'b'.repeat(64), 'v1.2': undefined } },
      [
        `${image}:latest resolves to sha256:bbbbbbbbbbbb…, expected sha256:a799257202ab…`,
        `${image}:v1.2 does not exist (expected sha256:a799257202ab…)`
      ]
    ],
    [
      'attestations requested but the index has none',
      { index: noAttest, digest: digestOf(noAttest), tags: {} },
      [
        expect.stringMatching(/platform linux\/amd64 has 0 attestation manifests, expected 1/),
        expect.stringMatching(/platform linux\/arm64 has 0 attestation manifests, expected 1/)
      ]
    ],
    ['no attestations requested, none present', { index: noAttest, attestations: false, tags: {} }, []],
    [
      'a single-platform manifest instead of an index',
      { index: single, tags: {} },
      [
        `${image}@sha256:a799257202ab…: is a single-platform manifest (application/vnd.oci.image.manifest.v1+json), not an index`
      ]
    ]
  ])('%s', (_name, change, expected) => {
    expect(verifyImage({ ...base, ...change })).toEqual(expected)
  })

  it('an attestation manifest attached to the wrong platform', () => {
    const index = edited(m => {
      m[3].annotations!['vnd.docker.reference.digest'] = AMD64
    })
    expect(verifyImage({ ...base, index })).toEqual([
      `${image}@sha256:a799257202ab…: platform linux/amd64 has 2 attestation manifests, expected 1 (sha256:816e5d24f04f…)`,
      `${image}@sha256:a799257202ab…: platform linux/arm64 has 0 attestation manifests, expected 1 (sha256:d28f2a32a591…)`
    ])
  })

  it('a dangling attestation manifest and a duplicated platform', () => {
    const index = edited(m => {
      m[2].annotations!['vnd.docker.reference.digest'] = 'sha256:' + 'c'.repeat(64)
      m.push({ ...m[1], digest: 'sha256:' + 'd'.repeat(64) })
    })
    expect(verifyImage({ ...base, index, attestations: false })).toEqual([
      `${image}@sha256:a799257202ab…: platform linux/arm64 appears 2 times`,
      `${image}@sha256:a799257202ab…: attestation manifest sha256:92e0329180c1… points at sha256:cccccccccccc…, not a platform of the index`
    ])
  })

  it('message lists every difference', () => {
    expect(verificationMessage(['a', 'b'])).toBe('Post-push verification failed (2 differences):\n  a\n  b')
  })
})

describe('normalizePlatform', () => {
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v2', 'linux/amd64/v2'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['Linux/AMD64', 'linux/amd64']
  ])('%s -> %s', (p, expected) => expect(normalizePlatform(p)).toBe(expected))
})
