// Which manifests of one image a preview clean-up may delete. A preview is every tag `pr-<N>` / `pr-<N>-*`
// of the pull requests being cleaned, plus the `sha-<hex>` tags the same runs put on the same digests. From
// those tags the walk collects everything they reach: indexes, platform images, attestation manifests (children
// of the index, linked to their image by `vnd.docker.reference.digest`), and what refers to any of them —
// signatures and other artifacts found through the OCI referrers API or its `sha256-<hex>` fallback tags.
// Everything any other tag reaches the same way stays: a preview digest later released as `v1.2.3` keeps its
// images, attestations and signatures, and only loses its preview tags (see src/6-registry/untag.ts).
import { describeIndex, platformOf, type Descriptor, type ManifestJson } from '../6-registry/manifest.js'
import { fallbackTagSubject } from '../6-registry/referrers-api.js'

/** What the walk reads of one repository (a registry's API, or GitHub Packages plus the registry). */
export interface RepositoryView {
  /** Every tag and the digest it names. */
  tags: Map<string, string>
  manifest(digest: string): Promise<ManifestJson | undefined>
  /** Referrers from the OCI referrers API; undefined when the registry has none (fallback tags are used). */
  referrers(digest: string): Promise<Descriptor[] | undefined>
}

export type RemovalKind = 'index' | 'image' | 'attestation' | 'referrer' | 'referrers tag' | 'manifest'

export interface Removal {
  digest: string
  kind: RemovalKind
  /** Why it goes, for the dry run and the summary (`linux/arm64 image of pr-42`). */
  reason: string
  /** Tags naming it (they go with it). */
  tags: string[]
}

export interface PrunePlan {
  /** Preview tags of the pull requests (and their sha- companions) that are removed. */
  previewTags: string[]
  /** Manifests to delete, parents before children. */
  remove: Removal[]
  /** Preview tags on a manifest that stays: the tag alone is removed. */
  untag: { tag: string; digest: string; keptBecause: string }[]
  /** When the newest preview image was built (its `org.opencontainers.image.created`), if recorded. */
  newest?: Date
}

const CREATED = 'org.opencontainers.image.created'

/** `pr-<N>` and `pr-<N>-<anything>` for one of the numbers. */
export function previewTagMatcher(numbers: number[]): (tag: string) => boolean {
  const set = new Set(numbers.map(String))
  return tag => {
    const m = /^pr-(\d+)(?:-.+)?$/.exec(tag)
    return !!m && set.has(m[1])
  }
}

/** The pull request numbers that have preview tags among these tags. */
export function previewNumbers(tags: Iterable<string>): number[] {
  const out = new Set<number>()
  for (const t of tags) {
    const m = /^pr-(\d+)(?:-.+)?$/.exec(t)
    if (m) out.add(Number(m[1]))
  }
  return [...out].sort((a, b) => a - b)
}

/** The commit tags the action writes on every run (`sha-860c190`): a preview's own when on a preview digest. */
const isShaTag = (tag: string) => /^sha-[0-9a-f]{7,40}$/.test(tag)

interface Edge {
  digest: string
  kind: RemovalKind
  reason: string
  /** The child is an index (or its type is unknown) and may have children of its own. */
  nested: boolean
}

const isIndexType = (mediaType: string | undefined) => !mediaType || /index|manifest\.list/.test(mediaType)

/** Reads manifests and referrers once each. */
class Reader {
  private readonly manifests = new Map<string, Promise<ManifestJson | undefined>>()
  private readonly attached = new Map<string, string[]>()
  constructor(readonly view: RepositoryView) {
    for (const [tag, digest] of view.tags) {
      const subject = fallbackTagSubject(tag)
      if (subject) this.attached.set(subject, [...(this.attached.get(subject) ?? []), digest])
    }
  }

  manifest(digest: string): Promise<ManifestJson | undefined> {
    let p = this.manifests.get(digest)
    if (!p) this.manifests.set(digest, (p = this.view.manifest(digest)))
    return p
  }

  /**
   * A manifest's children: an index's entries; what its fallback tags name; with `referrers`, what the
   * referrers API lists. `label` names the parent in the reasons.
   */
  async children(digest: string, label: string, o: { fetch: boolean; referrers: boolean }): Promise<Edge[]> {
    const edges: Edge[] = []
    if (o.fetch) {
      const m = await this.manifest(digest)
      if (m?.manifests) {
        const { attestations } = describeIndex(m)
        const platforms = new Map(m.manifests.map(d => [d.digest, platformOf(d)]))
        for (const d of m.manifests) {
          const attestation = attestations.find(a => a.digest === d.digest)
          if (attestation) {
            const of = attestation.subject ? (platforms.get(attestation.subject) ?? attestation.subject) : '?'
            edges.push({
              digest: d.digest,
              kind: 'attestation',
              reason: `attestation of the ${of} image of ${label}`,
              nested: false
            })
          } else if (!d.platform) {
            // No platform and no attestation annotation: an artifact (a referrers fallback index lists these).
            const type = d.artifactType ?? d.mediaType
            edges.push({
              digest: d.digest,
              kind: 'referrer',
              reason: `${type} listed in ${label}`,
              nested: true
            })
          } else if (isIndexType(d.mediaType) && d.mediaType) {
            edges.push({ digest: d.digest, kind: 'index', reason: `index inside ${label}`, nested: true })
          } else {
            edges.push({
              digest: d.digest,
              kind: 'image',
              reason: `${platformOf(d)} image of ${label}`,
              nested: false
            })
          }
        }
      }
    }
    for (const d of this.attached.get(digest) ?? []) {
      const tag = [...this.view.tags].find(([t, x]) => x === d && fallbackTagSubject(t) === digest)?.[0]
      edges.push({
        digest: d,
        kind: 'referrers tag',
        reason: `tag ${tag} (artifacts about ${short(digest)})`,
        nested: true
      })
    }
    if (o.referrers) {
      for (const r of (await this.view.referrers(digest)) ?? []) {
        const type = r.artifactType ?? r.mediaType
        edges.push({
          digest: r.digest,
          kind: 'referrer',
          reason: `${type} referring to ${short(digest)}`,
          nested: true
        })
      }
    }
    return edges
  }
}

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12)

/** When a manifest (or an index's first image) was built, from the annotation the action writes on each image. */
async function createdOf(reader: Reader, digest: string): Promise<Date | undefined> {
  const m = await reader.manifest(digest)
  let at = m?.annotations?.[CREATED]
  if (!at && m?.manifests) {
    const first = describeIndex(m).images[0]
    if (first) at = (await reader.manifest(first.digest))?.annotations?.[CREATED]
  }
  const date = at ? new Date(at) : undefined
  return date && !Number.isNaN(date.getTime()) ? date : undefined
}

/** Plans the clean-up of the previews of `numbers` in one repository. Reads only; deletes nothing. */
export async function planPrune(view: RepositoryView, numbers: number[]): Promise<PrunePlan> {
  const reader = new Reader(view)
  const isPreview = previewTagMatcher(numbers)
  const previewDigests = new Set<string>()
  for (const [tag, digest] of view.tags) if (isPreview(tag)) previewDigests.add(digest)
  const tagsOf = (digest: string) => [...view.tags].filter(([, d]) => d === digest).map(([t]) => t)
  const previewTags = [...view.tags.keys()].filter(
    t => isPreview(t) || (isShaTag(t) && previewDigests.has(view.tags.get(t) as string))
  )
  const previewSet = new Set(previewTags)

  // Everything the preview tags reach, breadth first (parents before children), with why each is reached.
  const candidates = new Map<string, Removal>()
  const queue: Edge[] = []
  for (const digest of previewDigests) {
    const label = tagsOf(digest)
      .filter(t => previewSet.has(t))
      .join(', ')
    queue.push({ digest, kind: 'manifest', reason: `tagged ${label}`, nested: true })
  }
  while (queue.length) {
    const e = queue.shift() as Edge
    if (candidates.has(e.digest)) continue
    // Images and attestations have no children to read; only what may be an index is fetched.
    const m = e.nested ? await reader.manifest(e.digest) : undefined
    const kind: RemovalKind = e.kind === 'manifest' ? (m?.manifests ? 'index' : 'manifest') : e.kind
    candidates.set(e.digest, { digest: e.digest, kind, reason: e.reason, tags: tagsOf(e.digest) })
    const label = e.kind === 'manifest' ? e.reason.replace(/^tagged /, '') : short(e.digest)
    queue.push(...(await reader.children(e.digest, label, { fetch: !!m?.manifests, referrers: true })))
  }

  // Everything every other tag reaches. Only what could be a candidate needs reading: a candidate's own
  // referrers, and the children of indexes (a referrer has one subject, so nothing else leads to a candidate).
  const keptBy = new Map<string, string>()
  const roots = [...view.tags].filter(([t]) => !previewSet.has(t) && !fallbackTagSubject(t))
  const stack: { digest: string; root: string; nested: boolean }[] = roots.map(([tag, digest]) => ({
    digest,
    root: tag,
    nested: true
  }))
  while (stack.length) {
    const { digest, root, nested } = stack.pop() as (typeof stack)[number]
    if (keptBy.has(digest)) continue
    keptBy.set(digest, root)
    const candidate = candidates.has(digest)
    if (!candidate && !nested) continue
    const edges = await reader.children(digest, root, { fetch: true, referrers: candidate })
    for (const e of edges) stack.push({ digest: e.digest, root, nested: e.nested })
  }

  const untag: PrunePlan['untag'] = []
  for (const tag of previewTags) {
    const digest = view.tags.get(tag) as string
    const by = keptBy.get(digest)
    if (by && isPreview(tag)) untag.push({ tag, digest, keptBecause: `also tagged ${by}` })
  }
  let newest: Date | undefined
  for (const digest of previewDigests) {
    const at = await createdOf(reader, digest)
    if (at && (!newest || at > newest)) newest = at
  }
  return {
    previewTags: previewTags.filter(t => !keptBy.has(view.tags.get(t) as string) || isPreview(t)).sort(),
    remove: [...candidates.values()].filter(r => !keptBy.has(r.digest)),
    untag,
    newest
  }
}
