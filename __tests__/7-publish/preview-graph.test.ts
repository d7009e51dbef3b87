// The preview clean-up's plan over real manifests (captured from the registry after the action pushed a
// preview, see __tests__/fixtures/cleanup/README.md): which digests go, in which order, why, and what stays
// because another tag reaches it — through the index, the attestation links, the referrers API or the
// `sha256-<hex>` fallback tags.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Descriptor, ManifestJson } from '../../src/6-registry/manifest.js'
import {
  planPrune,
  previewNumbers,
  previewTagMatcher,
  type RepositoryView
} from '../../src/7-publish/preview-graph.js'

const dir = path.join(import.meta.dirname, '../fixtures/cleanup/manifests')
const captured = new Map<string, ManifestJson>(
  readdirSync(dir).map(f => [
    `sha256:${f.replace(/\.json$/, '')}`,
    JSON.parse(readFileSync(path.join(dir, f), 'utf8'))
  ])
)
const API = 'sha256:a6ce160bb9b6e0dffcdf1306d9c3a9e5b6a36759c71309ed52359bf909d463ac'
const WORKER = 'sha256:a88ddf60691a5de7f0b49ff11e8f9882c6ece9c86ee1099a42ff922bd6b6332b'
const children = (digest: string) => (captured.get(digest)?.manifests ?? []).map(m => m.digest)
const tree = (digest: string) => [digest, ...children(digest)]

/** A signature as the signing module stores it: an artifact manifest whose subject is the signed manifest. */
function signature(subject: string, note: string): { digest: string; json: ManifestJson } {
  const json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'4'.repeat(64)}`, size: 2 },
    layers: [],
    subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: subject, size: 1 },
    annotations: { note }
  }
  return { digest: `sha256:${createHash('sha256').update(JSON.stringify(json)).digest('hex')}`, json }
}

/** The referrers fallback index a registry without the referrers API keeps under `sha256-<hex>`. */
function fallbackIndex(...sigs: { digest: string }[]): { digest: string; json: ManifestJson } {
  const json = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: sigs.map(s => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: s.digest,
      size: 1,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json'
    }))
  }
  return { digest: `sha256:${createHash('sha256').update(JSON.stringify(json)).digest('hex')}`, json }
}

function view(
  tags: Record<string, string>,
  o: { extra?: { digest: string; json: ManifestJson }[]; referrers?: Record<string, Descriptor[]> } = {}
): RepositoryView & { reads: string[] } {
  const manifests = new Map(captured)
  for (const e of o.extra ?? []) manifests.set(e.digest, e.json)
  const reads: string[] = []
  return {
    reads,
    tags: new Map(Object.entries(tags)),
    manifest: async d => {
      reads.push(d)
      return manifests.get(d)
    },
    referrers: async d => (o.referrers ? (o.referrers[d] ?? []) : undefined)
  }
}

describe('preview tags', () => {
  it.each([
    ['pr-42', true],
    ['pr-42-d64f13d', true],
    ['pr-42-feature-x', true],
    ['pr-4', false],
    ['pr-420', false],
    ['pr-4-2', false],
    ['xpr-42', false],
    ['v1.2.3', false],
    ['sha-0f22c72', false]
  ])('%s belongs to PR 42: %s', (tag, yes) => {
    expect(previewTagMatcher([42])(tag)).toBe(yes)
  })

  it('lists the pull requests that have previews', () => {
    expect(previewNumbers(['pr-43', 'pr-42-abc', 'v1', 'pr-42', 'pr-7-x', 'sha-1234567'])).toEqual([
      7, 42, 43
    ])
  })
})

describe('planPrune', () => {
  it('removes a preview no other tag reaches: index first, then images and attestations', async () => {
    const plan = await planPrune(view({ 'pr-42': API, 'pr-42-d64f13d': API, 'sha-0f22c72': API }), [42])
    expect(plan.remove.map(r => r.digest)).toEqual(tree(API))
    expect(plan.remove.map(r => r.kind)).toEqual(['index', 'image', 'image', 'attestation', 'attestation'])
    expect(plan.remove[0].reason).toBe('tagged pr-42, pr-42-d64f13d, sha-0f22c72')
    expect(plan.remove[1].reason).toBe('linux/amd64 image of pr-42, pr-42-d64f13d, sha-0f22c72')
    expect(plan.remove[3].reason).toMatch(/^attestation of the linux\/amd64 image of pr-42/)
    expect(plan.previewTags).toEqual(['pr-42', 'pr-42-d64f13d', 'sha-0f22c72'])
    expect(plan.untag).toEqual([])
    expect(plan.newest).toEqual(new Date('2026-12-02T16:45:56.912Z'))
  })

  it('keeps a preview digest released as v1.2.3, with its children; only the preview tags go', async () => {
    const plan = await planPrune(
      view({
        'pr-42': WORKER,
        'pr-42-aaaaaaa': API,
        'sha-1111111': API,
        'v1.2.3': API,
        'pr-43': 'sha256:none'
      }),
      [42]
    )
    expect(plan.remove.map(r => r.digest)).toEqual(tree(WORKER))
    expect(plan.untag).toEqual([{ tag: 'pr-42-aaaaaaa', digest: API, keptBecause: 'also tagged v1.2.3' }])
    // The commit tag of a kept digest stays with it; PR 43's tag is another pull request's.
    expect(plan.previewTags).toEqual(['pr-42', 'pr-42-aaaaaaa'])
  })

  it('keeps platform images another index still lists (an index made from the preview’s images)', async () => {
    const api = captured.get(API) as ManifestJson
    const release = {
      digest: `sha256:${'1'.repeat(64)}`,
      json: { ...api, manifests: api.manifests?.slice(0, 1) }
    }
    const plan = await planPrune(view({ 'pr-42': API, 'v1.2.3': release.digest }, { extra: [release] }), [42])
    const amd64 = children(API)[0]
    expect(plan.remove.map(r => r.digest)).toEqual(tree(API).filter(d => d !== amd64))
  })

  it('removes the preview’s signatures (fallback tag and its index) and keeps the release’s', async () => {
    const previewSig = signature(WORKER, 'preview')
    const releaseSig = signature(API, 'release')
    const previewTag = fallbackIndex(previewSig)
    const releaseTag = fallbackIndex(releaseSig)
    const tags = {
      'pr-42': WORKER,
      'pr-42-abcdef0': API,
      'v1.2.3': API,
      [`sha256-${WORKER.slice(7)}`]: previewTag.digest,
      [`sha256-${API.slice(7)}`]: releaseTag.digest
    }
    const plan = await planPrune(
      view(tags, { extra: [previewSig, releaseSig, previewTag, releaseTag] }),
      [42]
    )
    expect(plan.remove.map(r => r.digest)).toEqual([...tree(WORKER), previewTag.digest, previewSig.digest])
    expect(plan.remove.slice(-2).map(r => r.kind)).toEqual(['referrers tag', 'referrer'])
    expect(plan.remove.at(-2)?.reason).toBe(
      `tag sha256-${WORKER.slice(7)} (artifacts about ${WORKER.slice(7, 19)})`
    )
    expect(plan.remove.at(-1)?.reason).toMatch(
      /^application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json listed in/
    )
    // The fallback tag is not a tag that keeps anything: it names an artifact of its subject.
    expect(plan.previewTags).not.toContain(`sha256-${WORKER.slice(7)}`)
  })

  it('follows the referrers API: a platform image’s signature goes with it, the release’s stays', async () => {
    const amd64 = children(WORKER)[0]
    const imageSig = signature(amd64, 'image')
    const releaseSig = signature(API, 'release')
    const d = (s: { digest: string }): Descriptor => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: s.digest,
      size: 1,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json'
    })
    const plan = await planPrune(
      view(
        { 'pr-42': WORKER, 'pr-42-x': API, latest: API },
        { extra: [imageSig, releaseSig], referrers: { [amd64]: [d(imageSig)], [API]: [d(releaseSig)] } }
      ),
      [42]
    )
    expect(plan.remove.map(r => r.digest)).toEqual([...tree(WORKER), imageSig.digest])
    expect(plan.remove.at(-1)).toMatchObject({
      kind: 'referrer',
      reason: expect.stringContaining(amd64.slice(7, 19))
    })
  })

  it('cleans several pull requests at once and leaves the others', async () => {
    const plan = await planPrune(view({ 'pr-42': API, 'pr-43': WORKER, 'pr-44': API }), [42, 43])
    // PR 44 still tags the api index: it stays, and PR 42's tag on it is removed alone.
    expect(plan.remove.map(r => r.digest)).toEqual(tree(WORKER))
    expect(plan.untag).toEqual([{ tag: 'pr-42', digest: API, keptBecause: 'also tagged pr-44' }])
  })

  it('reads the other tags’ indexes but not their images when nothing of theirs is a candidate', async () => {
    const v = view({ 'pr-42': WORKER, 'v1.2.3': API })
    await planPrune(v, [42])
    expect(new Set(v.reads)).toEqual(new Set([WORKER, API, children(WORKER)[0]]))
  })

  it('has nothing to do when the pull request left no preview', async () => {
    const plan = await planPrune(view({ 'pr-43': API, latest: WORKER }), [42])
    expect(plan).toEqual({ previewTags: [], remove: [], untag: [], newest: undefined })
  })
})
