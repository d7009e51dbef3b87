// Types of e2e.mjs for the TypeScript tests.
import type { RunResult } from './runner.mjs'
import type { GitHubApi } from './github-api.mjs'

export declare const REPO_ROOT: string
export declare const FIXTURES: string
export declare const REPOSITORY: string
export declare const PWNED_MARKER: string
export interface E2eEnv {
  E2E_REGISTRY: string
  E2E_AUTH_REGISTRY: string
  E2E_AUTH_USER: string
  E2E_AUTH_PASSWORD: string
  E2E_BASE_IMAGE: string
  E2E_SBOM_GENERATOR: string
  E2E_STATE_DIR: string
  [key: string]: string
}
/** Every manifest and index media type, as one Accept header. */
export declare const MANIFEST_TYPES: string
export declare function e2eEnv(): Promise<E2eEnv>
export declare function uniqueName(label: string): string
export declare function randomSha(): string
export declare function workspaceFrom(fixture: string): Promise<string>
export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}
export declare function run(
  cmd: string,
  args: string[],
  o?: { env?: Record<string, string>; input?: string; timeoutMs?: number }
): Promise<CommandResult>
export declare function isolateBuild(workspace: string, id: string): Promise<void>
export declare function docker(
  args: string[],
  o?: { env?: Record<string, string>; input?: string; timeoutMs?: number }
): Promise<string>
export interface BasicAuth {
  user: string
  password: string
}
export declare function registryTags(image: string, o?: { auth?: BasicAuth }): Promise<string[]>
export declare function registryManifest(
  image: string,
  reference: string,
  o?: { auth?: BasicAuth }
): Promise<{ digest: string; mediaType: string; json: Record<string, unknown> } | undefined>
export declare function registryBlobJson(
  image: string,
  digest: string,
  o?: { auth?: BasicAuth }
): Promise<unknown>
export interface PlatformImage {
  platform: string
  digest: string
  labels: Record<string, string>
  layers: string[]
}
export interface Attestation {
  digest: string
  refersTo: string
  predicateTypes: string[]
}
export interface ImageDescription {
  digest: string
  mediaType: string
  platforms: PlatformImage[]
  attestations: Attestation[]
}
export declare function describeImage(
  image: string,
  reference: string,
  o?: { auth?: BasicAuth }
): Promise<ImageDescription | undefined>
export declare function imagetoolsFormat(ref: string, format: string): Promise<unknown>
export interface EventContext {
  sha: string
  headSha?: string
  eventName: string
  payload: Record<string, unknown>
  env: Record<string, string>
}
export declare function pushContext(ref: string, sha?: string): EventContext
export declare function pullRequestContext(
  number: number,
  o?: { fork?: boolean; headRef?: string; sha?: string }
): EventContext
export declare function publish(o: {
  workspace: string
  context: EventContext
  inputs?: Record<string, string>
  env?: Record<string, string>
  api?: GitHubApi
  post?: boolean
}): Promise<RunResult>
export interface ImageOutput {
  image: string
  tags: string[]
  platforms: string[]
  digest: string
  pushed: boolean
  [key: string]: unknown
}
export declare function imagesOutput(result: RunResult): Record<string, ImageOutput>
export declare function visibleText(result: RunResult): string
export declare function annotations(result: RunResult, kind: 'error' | 'warning' | 'notice'): string[]
