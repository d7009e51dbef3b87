// Types of runner.mjs for the TypeScript tests.
export declare function parseCommandFile(text: string): Record<string, string>
export interface StepResult {
  exitCode: number
  stdout: string
  stderr: string
  files: Record<
    'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_ENV' | 'GITHUB_PATH' | 'GITHUB_STEP_SUMMARY',
    string
  >
  outputs: Record<string, string>
  state: Record<string, string>
  envFile: Record<string, string>
  stateText: string
  outputText: string
  summary: string
}
export interface RunResult {
  root: string
  workspace: string
  temp: string
  eventPath: string
  main: StepResult
  post?: StepResult
}
export interface RunOptions {
  action: string
  inputs?: Record<string, string>
  eventName?: string
  payload?: object
  env?: Record<string, string>
  workspace?: string
  token?: string
  post?: boolean
  node?: 'node24' | 'current'
  timeoutMs?: number
  tmp?: string
}
export declare function runAction(o: RunOptions): Promise<RunResult>
