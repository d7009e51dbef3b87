// Types of multi-runner.mjs for the TypeScript tests.
import type { EventContext } from './e2e.mjs'
import type { RunResult } from './runner.mjs'
import type { MatrixEntry } from '../../src/plan/matrix.js'

export type { MatrixEntry }
export interface Timed {
  result: RunResult
  ms: number
}
export interface PlanJob extends Timed {
  matrix: { include: MatrixEntry[] }
}
interface JobOptions {
  workspace: string
  context: EventContext
  inputs?: Record<string, string>
  env?: Record<string, string>
}
export declare function planJob(o: JobOptions): Promise<PlanJob>
export declare function buildLeg(
  o: JobOptions & { leg: MatrixEntry; plan: RunResult; dir: string }
): Promise<Timed>
export declare function mergeJob(o: JobOptions & { plan: RunResult; digests: string }): Promise<Timed>
export declare function multiRunner(
  o: JobOptions & { mergeInputs?: Record<string, string>; only?: (leg: MatrixEntry) => boolean }
): Promise<{ plan: PlanJob; legs: (Timed & { leg: MatrixEntry })[]; merge: Timed; dir: string }>
