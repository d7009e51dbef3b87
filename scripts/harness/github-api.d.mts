// Types of github-api.mjs for the TypeScript tests.
export interface ApiCall {
  method: string
  path: string
  query: string
  token: string
  body?: unknown
}
export interface GitHubApi {
  url: string
  calls: ApiCall[]
  comments: Map<string, { id: number; body: string; user: { login: string; type: string } }[]>
  close(): Promise<void>
}
export declare function startGitHubApi(o?: {
  repos?: Record<string, object>
  writeTokens?: string[] | null
  failStatus?: number | null
  identities?: Record<string, { login: string; type: 'User' | 'Bot'; id?: number }>
}): Promise<GitHubApi>
export declare function repoFixture(fullName?: string, extra?: object): Record<string, unknown>
