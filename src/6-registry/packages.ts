// GitHub Packages REST API for container images on ghcr.io
// (https://docs.github.com/rest/packages/packages): every manifest of an image, tagged or not, is a package
// version named by its digest, with its tags in `metadata.container.tags`. ghcr.io does not take a registry
// DELETE; a version is removed through this API, which needs admin rights on the package (GITHUB_TOKEN gets them
// when the package gives the workflow's repository the Admin role under "Manage Actions access"; otherwise a
// token with delete:packages).
import { githubCall, githubClient, type Octokit } from '../lib/github-api.js'
import { HttpError, type RetryOptions } from '../lib/retry.js'
import { maskSecret } from '../lib/secrets.js'
import { parseImageRef } from './reference.js'

/** How an image's manifests are deleted: the registry's own API, or the GitHub Packages API (ghcr.io). */
export type RegistryApi = 'distribution' | 'github-packages'

/** The API that deletes an image's manifests: the one forced, else GitHub Packages for ghcr.io. */
export function registryApiOf(image: string, forced: 'auto' | RegistryApi = 'auto'): RegistryApi {
  if (forced !== 'auto') return forced
  return parseImageRef(image).registry === 'ghcr.io' ? 'github-packages' : 'distribution'
}

export interface PackageVersion {
  id: number
  /** The manifest digest (`sha256:…`): a version's name. */
  digest: string
  tags: string[]
  createdAt?: string
  updatedAt?: string
}

export interface PackagesApiOptions {
  token: string
  /** GitHub API base URL (default GITHUB_API_URL, then https://api.github.com). */
  apiUrl?: string
  /** The account owning the packages (`blacklake`). */
  owner: string
  /** `org` or `user` when known (the event payload's repository.owner.type); otherwise found out. */
  ownerType?: 'org' | 'user'
  retry?: RetryOptions
}

interface RawVersion {
  id: number
  name: string
  created_at?: string
  updated_at?: string
  metadata?: { container?: { tags?: string[] } }
}

/** The package of an image on ghcr.io: everything after the owner (`ghcr.io/blacklake/tools/api` → `tools/api`). */
export function packageOf(repository: string): { owner: string; name: string } {
  const [owner, ...rest] = repository.split('/')
  if (!owner || rest.length === 0) throw new Error(`'${repository}' names no package: expected OWNER/NAME`)
  return { owner, name: rest.join('/') }
}

export class PackagesApi {
  private client?: Promise<Octokit>
  private ownerType?: 'org' | 'user'

  constructor(private readonly o: PackagesApiOptions) {
    maskSecret(o.token)
    this.ownerType = o.ownerType
  }

  private base(type: 'org' | 'user', name: string): string {
    const owner = encodeURIComponent(this.o.owner)
    return `/${type === 'org' ? 'orgs' : 'users'}/${owner}/packages/container/${encodeURIComponent(name)}`
  }

  /** One call under the retry policy, with this token's Octokit (made on the first call). */
  private async call<T>(what: string, fn: (octokit: Octokit) => Promise<T>): Promise<T> {
    this.client ??= githubClient(this.o.token, this.o.apiUrl)
    const octokit = await this.client
    return githubCall(what, () => fn(octokit), this.o.retry)
  }

  private permissionError(what: string, e: HttpError): Error {
    return new Error(
      `${what}: HTTP ${e.status}. The token may not manage packages of ${this.o.owner}: give the job ` +
        '`permissions: packages: write` and the repository the Admin role on the package (package settings → ' +
        'Manage Actions access), or pass a token with delete:packages as packages-token.',
      { cause: e }
    )
  }

  /** Every version of a package; [] when the package does not exist (nothing was ever pushed). */
  async listVersions(name: string): Promise<PackageVersion[]> {
    const types: ('org' | 'user')[] = this.ownerType ? [this.ownerType] : ['org', 'user']
    for (const type of types) {
      const what = `list versions of package ${this.o.owner}/${name}`
      try {
        const raw = await this.call(what, octokit =>
          octokit.paginate<RawVersion>(`GET ${this.base(type, name)}/versions`, { per_page: 100 })
        )
        this.ownerType = type
        return raw.map(v => ({
          id: v.id,
          digest: v.name,
          tags: v.metadata?.container?.tags ?? [],
          createdAt: v.created_at,
          updatedAt: v.updated_at
        }))
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) continue
        if (e instanceof HttpError && (e.status === 401 || e.status === 403))
          throw this.permissionError(what, e)
        throw e
      }
    }
    return []
  }

  /**
   * Deletes a whole package. GitHub refuses to delete the last tagged version of a package (400 "You cannot
   * delete the last tagged version of a package"), so a clean-up that removes every version removes the package.
   */
  async deletePackage(name: string): Promise<'deleted' | 'absent'> {
    return this.delete(name, '', `delete package ${this.o.owner}/${name}`)
  }

  /** Deletes one version (a manifest and every tag on it); `absent` when it was already gone. */
  async deleteVersion(name: string, version: PackageVersion): Promise<'deleted' | 'absent'> {
    const what = `delete version ${version.id} (${version.digest}) of package ${this.o.owner}/${name}`
    return this.delete(name, `/versions/${version.id}`, what)
  }

  /** DELETE of the package, or of `below` it; a 404 is `absent`, a 401/403 says which permission is missing. */
  private async delete(name: string, below: string, what: string): Promise<'deleted' | 'absent'> {
    if (!this.ownerType) await this.listVersions(name)
    try {
      await this.call(what, octokit =>
        octokit.request(`DELETE ${this.base(this.ownerType ?? 'org', name)}${below}`)
      )
      return 'deleted'
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return 'absent'
      if (e instanceof HttpError && (e.status === 401 || e.status === 403))
        throw this.permissionError(what, e)
      throw e
    }
  }
}

export interface PackagesApiForOptions {
  token: string
  apiUrl?: string
  /** The registry-api input: auto, or one API for every image. */
  forced?: 'auto' | RegistryApi
  /** The run's repository owner, and its account type as the event names it (`Organization`, `User`). */
  repositoryOwner: string
  repositoryOwnerType?: string
}

/**
 * The Packages API of each image deleted through GitHub Packages, one per package owner, made once; undefined for
 * images deleted through the registry's own API. The event tells the account type of the repository's own owner;
 * another owner's is found out on the first call.
 */
export function packagesApiFor(o: PackagesApiForOptions): (image: string) => PackagesApi | undefined {
  const apis = new Map<string, PackagesApi>()
  return image => {
    if (registryApiOf(image, o.forced) !== 'github-packages') return undefined
    const { owner } = packageOf(parseImageRef(image).repository)
    let api = apis.get(owner)
    if (!api) {
      const ours = owner.toLowerCase() === o.repositoryOwner.toLowerCase()
      const type = o.repositoryOwnerType
      api = new PackagesApi({
        token: o.token,
        apiUrl: o.apiUrl,
        owner,
        ownerType: ours && type === 'Organization' ? 'org' : ours && type === 'User' ? 'user' : undefined
      })
      apis.set(owner, api)
    }
    return api
  }
}
