// Carrying out a preview clean-up for one image: read its tags (registry API, or GitHub Packages versions on
// ghcr.io), plan with preview-graph.ts, then delete — manifests by digest on a registry that allows it, package
// versions through the GitHub Packages API on ghcr.io — and remove the preview tags of manifests that stay.
// Before its first change on a registry, the clean-up checks that the registry deletes at all
// (src/6-registry/delete.ts): one that refuses gets a clear message and nothing of that image is touched.
import * as core from '@actions/core'
import type { RegistryClient } from '../6-registry/client.js'
import type { Descriptor } from '../6-registry/manifest.js'
import { DeleteRefusedError } from '../6-registry/delete.js'
import { packageOf, type PackagesApi, type PackageVersion, type RegistryApi } from '../6-registry/packages.js'
import { parseImageRef } from '../6-registry/reference.js'
import { pushPlaceholder } from '../6-registry/untag.js'
import { HttpError } from '../lib/retry.js'
import {
  planPrune,
  previewNumbers,
  type PrunePlan,
  type Removal,
  type RepositoryView
} from './preview-graph.js'

/** An image the clean-up looks at: an image target of the bake file, named as the main action names it. */
export interface CleanupImage {
  target: string
  image: string
}

/** Where the clean-up reads and deletes: the registry, and GitHub Packages for the images it holds. */
export interface CleanupAccess {
  client: RegistryClient
  packagesFor(image: string): PackagesApi | undefined
}

export interface ImageCleanup {
  target: string
  image: string
  api: RegistryApi
  plan: PrunePlan
  /** What was deleted (empty in a dry run). */
  removed: Removal[]
  /** Preview tags removed from manifests that stay. */
  untagged: string[]
  /** Why the planned removals did not all happen (registry refuses deletes, a version GitHub keeps…). */
  problems: string[]
  /** The registry refused deletes: nothing of this image was touched. */
  refused?: boolean
  /** GitHub Packages: the package's versions when planned. */
  versions?: PackageVersion[]
}

export interface CleanImageOptions {
  target: string
  image: string
  /** Pull requests whose previews go. */
  numbers: number[]
  client: RegistryClient
  /** Set for ghcr.io: tags, versions and deletes through GitHub Packages. */
  packages?: PackagesApi
}

/** The registry API as the walk reads it; referrers API support is found out once per repository. */
function registryView(client: RegistryClient, image: string, tags: Map<string, string>): RepositoryView {
  let referrersApi: boolean | undefined
  return {
    tags,
    manifest: async digest => (await client.getManifest(`${image}@${digest}`))?.json,
    referrers: async (digest): Promise<Descriptor[] | undefined> => {
      if (referrersApi === false) return undefined
      const list = await client.referrers(image, digest)
      referrersApi = list !== undefined
      return list
    }
  }
}

/** Tag → digest of an image from the registry; only read in full when a preview tag is there. */
async function registryTags(
  client: RegistryClient,
  image: string,
  numbers: number[]
): Promise<Map<string, string>> {
  const tags = (await client.listTags(image)) ?? []
  const wanted = new Set(numbers)
  if (!previewNumbers(tags).some(n => wanted.has(n))) return new Map()
  const out = new Map<string, string>()
  for (const [tag, digest] of await client.resolveTags(image, tags)) if (digest) out.set(tag, digest)
  return out
}

function packageTags(versions: PackageVersion[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const v of versions) for (const t of v.tags) out.set(t, v.digest)
  return out
}

/** The preview tags' pull request numbers of an image (to find what a scheduled clean-up may remove). */
export async function previewNumbersOf(
  client: RegistryClient,
  image: string,
  packages?: PackagesApi
): Promise<number[]> {
  if (packages) {
    const versions = await packages.listVersions(packageOf(parseImageRef(image).repository).name)
    return previewNumbers(versions.flatMap(v => v.tags))
  }
  return previewNumbers((await client.listTags(image)) ?? [])
}

/** Reads one image and plans the clean-up of the previews of `numbers`; changes nothing. */
export async function planImage(o: CleanImageOptions): Promise<ImageCleanup> {
  const ref = parseImageRef(o.image)
  const pkg = o.packages ? packageOf(ref.repository) : undefined
  const versions = o.packages && pkg ? await o.packages.listVersions(pkg.name) : []
  const tags = o.packages ? packageTags(versions) : await registryTags(o.client, o.image, o.numbers)
  const plan = await planPrune(registryView(o.client, o.image, tags), o.numbers)
  return {
    target: o.target,
    image: o.image,
    api: o.packages ? 'github-packages' : 'distribution',
    plan,
    versions,
    removed: [],
    untagged: [],
    problems: []
  }
}

/** Plans the clean-up of the previews of `numbers` in every image; changes nothing. */
export async function planImages(
  images: CleanupImage[],
  numbers: number[],
  access: CleanupAccess
): Promise<ImageCleanup[]> {
  const out: ImageCleanup[] = []
  for (const { target, image } of images) {
    out.push(
      await planImage({ target, image, numbers, client: access.client, packages: access.packagesFor(image) })
    )
  }
  return out
}

/**
 * Before the first change: every image deleted through the registry's API is probed, and a registry that refuses
 * deletes fails the clean-up with its message, every image marked refused and nothing touched.
 */
export async function checkDeletesAllowed(work: ImageCleanup[], client: RegistryClient): Promise<void> {
  for (const r of work) {
    if (r.api !== 'distribution') continue
    try {
      await client.probeDelete(r.image)
    } catch (e) {
      if (!(e instanceof DeleteRefusedError)) throw e
      for (const x of work) x.refused = true
      r.problems.push(e.message)
      throw new Error(`${e.message} Nothing was deleted.`, { cause: e })
    }
  }
}

/** Whether an image's plan changes anything. */
export const hasWork = (r: ImageCleanup) => r.plan.remove.length > 0 || r.plan.untag.length > 0

/** Carries out a plan of planImage (mutating and returning it). Throws only for unexpected failures. */
export async function applyPlan(
  r: ImageCleanup,
  o: { client: RegistryClient; packages?: PackagesApi }
): Promise<ImageCleanup> {
  if (!hasWork(r)) return r
  try {
    if (o.packages) {
      const name = packageOf(parseImageRef(r.image).repository).name
      await removeVersions(o.packages, o.client, name, r)
    } else {
      await removeManifests(o.client, r.image, r.plan, r)
    }
  } catch (e) {
    if (!(e instanceof DeleteRefusedError)) throw e
    r.problems.push(e.message)
    r.refused = r.removed.length === 0 && r.untagged.length === 0
  }
  return r
}

async function removeManifests(
  client: RegistryClient,
  image: string,
  plan: PrunePlan,
  r: ImageCleanup
): Promise<void> {
  await client.probeDelete(image)
  for (const item of plan.remove) {
    const outcome = await client.deleteManifest(image, item.digest)
    core.info(
      `${outcome === 'deleted' ? 'Deleted' : 'Already gone:'} ${image}@${item.digest} (${item.reason})`
    )
    r.removed.push(item)
  }
  for (const u of plan.untag) {
    const placeholder = await pushPlaceholder(client, image, u.tag)
    await client.deleteManifest(image, placeholder)
    core.info(`Removed the tag ${image}:${u.tag}; ${u.digest} stays (${u.keptBecause})`)
    r.untagged.push(u.tag)
  }
}

async function removeVersions(
  api: PackagesApi,
  client: RegistryClient,
  name: string,
  r: ImageCleanup
): Promise<void> {
  const { plan } = r
  const versions = r.versions ?? []
  const byDigest = new Map(versions.map(v => [v.digest, v]))
  const doomed = new Set(plan.remove.map(x => x.digest))
  // GitHub refuses to delete a package's last tagged version: when the previews are all there is, the package
  // itself goes (and nothing else was in it).
  if (plan.untag.length === 0 && versions.length > 0 && versions.every(v => doomed.has(v.digest))) {
    await api.deletePackage(name)
    core.info(`Deleted the package ${name}: it held only these previews`)
    r.removed.push(...plan.remove)
    return
  }
  for (const item of plan.remove) {
    const version = byDigest.get(item.digest)
    if (!version) {
      r.problems.push(
        `${r.image}@${item.digest} (${item.reason}) is not a version of package ${name}; left alone`
      )
      continue
    }
    try {
      const outcome = await api.deleteVersion(name, version)
      core.info(
        `${outcome === 'deleted' ? 'Deleted' : 'Already gone:'} version ${version.id} ${item.digest} (${item.reason})`
      )
      r.removed.push(item)
    } catch (e) {
      if (!(e instanceof HttpError) || e.status !== 400) throw e
      r.problems.push(`GitHub kept ${r.image}@${item.digest} (${item.reason}): ${e.message}`)
    }
  }
  for (const u of plan.untag) {
    const placeholder = await pushPlaceholder(client, r.image, u.tag)
    const version = (await api.listVersions(name)).find(v => v.digest === placeholder)
    if (!version)
      throw new Error(`The placeholder ${placeholder} pushed to ${r.image}:${u.tag} is not a package version`)
    await api.deleteVersion(name, version)
    core.info(`Removed the tag ${r.image}:${u.tag}; ${u.digest} stays (${u.keptBecause})`)
    r.untagged.push(u.tag)
  }
}
