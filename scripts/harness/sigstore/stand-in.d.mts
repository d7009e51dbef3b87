// Types of stand-in.mjs for the TypeScript tests.
export interface StandInJob {
  repository: string
  ref: string
  sha: string
  /** Workflow file (default .github/workflows/release.yml). */
  workflow?: string
  event?: string
  /** job_workflow_ref when a reusable workflow runs the job. */
  jobWorkflowRef?: string
}
export interface StandInCall {
  method: string
  path: string
  audience: string | null
  job?: string
  identity?: string
}
export interface SigstoreStandIn {
  url: string
  issuer: string
  trustedRoot: Record<string, unknown>
  signingConfig: Record<string, unknown>
  trustedRootPath: string
  signingConfigPath: string
  calls: StandInCall[]
  issued: string[]
  job(job: StandInJob): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  identityOf(job: StandInJob): string
  setDown(value: boolean): void
  close(): Promise<void>
}
export declare const GITHUB_ISSUER: string
export declare function githubClaims(job: StandInJob, audience: string, now?: number): Record<string, unknown>
export declare function startSigstoreStandIn(o?: { dir?: string }): Promise<SigstoreStandIn>
export declare function rekorCanonical(proposed: unknown): unknown
