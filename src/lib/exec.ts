// The one way this action runs an external command: an argument array (never a shell string), output
// collected by listeners, and a non-zero exit turned into an error that carries the command's own message.
import * as actionsExec from '@actions/exec'
// Not @actions/core: the meta sub-action runs commands too, and its start-up budget has no room for core.
import { debug } from './workflow-commands.js'

export interface ExecOptions {
  /** Directory to run in. */
  cwd?: string
  /** Extra environment; merged over process.env. */
  env?: Record<string, string>
  /** Data written to the command's standard input (e.g. a password for `--password-stdin`). */
  input?: string
  /** Do not echo the command line and its output to the log. */
  silent?: boolean
  /** Return the result instead of throwing on a non-zero exit code. */
  ignoreReturnCode?: boolean
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export class ExecError extends Error {
  constructor(
    readonly command: string,
    readonly result: ExecResult
  ) {
    super(
      `${command} failed with exit code ${result.exitCode}: ${lastMeaningfulLine(result.stderr || result.stdout)}`
    )
    this.name = 'ExecError'
  }
}

/** The last non-empty line of a command's output, which is where docker and buildx put the reason. */
export function lastMeaningfulLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l.length > 0)
  return lines.length ? lines[lines.length - 1] : '(no output)'
}

export async function run(tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const stdout: string[] = []
  const stderr: string[] = []
  const started = Date.now()
  const exitCode = await actionsExec.exec(tool, args, {
    cwd: options.cwd,
    env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined,
    input: options.input !== undefined ? Buffer.from(options.input) : undefined,
    silent: options.silent ?? false,
    ignoreReturnCode: true,
    listeners: {
      stdout: (data: Buffer) => void stdout.push(data.toString()),
      stderr: (data: Buffer) => void stderr.push(data.toString())
    }
  })
  const result = { exitCode, stdout: stdout.join(''), stderr: stderr.join('') }
  // Where a run's time goes: every external command, at debug level.
  debug(`${[tool, ...args.slice(0, 2)].join(' ')}: exit ${exitCode} in ${Date.now() - started} ms`)
  if (exitCode !== 0 && !options.ignoreReturnCode) {
    throw new ExecError([tool, ...args.slice(0, 2)].join(' '), result)
  }
  return result
}
