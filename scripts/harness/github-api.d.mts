// Types of github-api.mjs for the TypeScript tests.
export interface ApiCall {
  method: string
  path: string
  query: string
  token: string
  body?: unknown
}
export interface PackagesFake {
  /** Versions of a package (`owner/name`) as the API lists them. */
  versions(repo: string): Promise<{ id: number; name: string; metadata: { container: { tags: string[] } } }[]>
  deleted: { package: string; id: number; digest: string }[]
}
export interface PullFixture {
  state: 'open' | 'closed'
  closed_at?: string | null
  merged_at?: string | null
}
export interface GitHubApi {
  url: string
  calls: ApiCall[]
  packages: PackagesFake | null
  comments: Map<string, { id: number; body: string; user: { login: string; type: string } }[]>
  attestations: { id: number; repo: string; bundle: Record<string, unknown>; subjects: string[] }[]
  close(): Promise<void>
}
export declare function startGitHubApi(o?: {
  repos?: Record<string, object>
  writeTokens?: string[] | null
  failStatus?: number | null
  pulls?: Record<string, PullFixture>
  packages?: { registry: string; ownerType?: 'org' | 'user'; adminTokens?: string[] | null } | null
  identities?: Record<string, { login: string; type: 'User' | 'Bot'; id?: number }>
}): Promise<GitHubApi>
export declare function repoFixture(fullName?: string, extra?: object): Record<string, unknown>
