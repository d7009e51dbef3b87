// `bake --call METHOD` (the call input, as docker/bake-action's): bake evaluates the targets with a frontend
// method instead of building them. `check` runs the Dockerfile checks and fails on any finding, a lint gate
// before anything is pushed; `outline` and `targets` print what the Dockerfiles accept. Nothing is built,
// pushed or tagged.
import * as core from '@actions/core'
import { run } from '../lib/exec.js'
import { bakeArgs, bakeEnv, buildFlags, positionals, type BakeInvocation } from '../3-plan/definition.js'

/** The findings bake printed (`WARNING: Rule - url` lines) and its summary line, for the error. */
export function callFindings(output: string): { summary?: string; findings: string[] } {
  const summary = /^Check complete, .*$/m.exec(output)?.[0]
  const findings = [...output.matchAll(/^WARNING: (\S+)/gm)].map(m => m[1])
  return { summary, findings }
}

export async function runBakeCall(inv: BakeInvocation, method: string): Promise<void> {
  const args = [
    ...bakeArgs(inv),
    ...buildFlags(inv),
    '--call',
    method,
    '--progress=plain',
    ...positionals(inv)
  ]
  const r = await run('docker', args, { cwd: inv.workdir, env: bakeEnv(inv), ignoreReturnCode: true })
  const output = `${r.stdout}\n${r.stderr}`
  if (r.exitCode === 0) {
    core.info(
      `bake --call ${method}: ${callFindings(output).summary ?? 'done'}; nothing was built or pushed.`
    )
    return
  }
  if (/unknown flag: --call/.test(output)) {
    throw new Error(
      `The call input needs buildx >= 0.16 (bake --call); this buildx has no such flag. Upgrade docker-buildx.`
    )
  }
  const { summary, findings } = callFindings(output)
  const reason = findings.length
    ? `${summary ?? 'findings'} (${[...new Set(findings)].join(', ')})`
    : (/^ERROR: (.*)$/m.exec(output)?.[1] ?? `exit code ${r.exitCode}`)
  throw new Error(
    `bake --call ${method} failed for ${inv.targets.join(', ')}: ${reason}. Nothing was built or pushed; ` +
      'see the log for each finding and its line.'
  )
}
