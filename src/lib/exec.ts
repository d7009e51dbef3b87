// The one way this action runs an external command: an argument array (never a shell string), output
// collected by listeners, and a non-zero exit turned into an error that carries the command's own message.
// Child processes get an allow-listed environment (childEnv), never the whole of the action's: the runner puts
// every input in INPUT_* (the password included), and bake lets any environment variable override a bake variable
// of the same name, so a bake file declaring `variable "INPUT_PASSWORD" {}` would otherwise read the password.
import * as actionsExec from '@actions/exec'
import { buildxCommand } from './docker-cli.js'
// Not @actions/core: the meta sub-action runs commands too, and its start-up budget has no room for core.
import { debug } from './workflow-commands.js'

export interface ExecOptions {
  /** Directory to run in. */
  cwd?: string
  /** Variables the command needs besides the allow-listed ones (bake variables, …); they win over those. */
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

/**
 * What docker, buildx (and BuildKit's gha cache through them) and git need from the environment: the basics of a
 * process, proxies and CA bundles, the Actions cache service (ACTIONS_RUNTIME_TOKEN and the cache/results URLs:
 * buildx copies them into the gha cache entries) and the non-secret GitHub context some bake files read.
 */
export const CHILD_ENV_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'SSH_AUTH_SOCK',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'CI',
  'GITHUB_ACTIONS',
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_WORKFLOW',
  'GITHUB_WORKSPACE'
])
/** Families passed on as a whole (DOCKER_HOST, DOCKER_CONFIG, BUILDX_BUILDER, BUILDKIT_PROGRESS, LC_ALL, …) — except
 * a member named like a credential (DOCKER_PASSWORD, DOCKER_AUTH_CONFIG), which a bake variable could read. */
export const CHILD_ENV_PREFIXES = ['DOCKER_', 'BUILDX_', 'BUILDKIT_', 'LC_']
// Kept short (the `meta` bundle carries this module): the secret guard's full name rule is in secret-shapes.ts.
const CREDENTIAL_PART = /PASS|PWD|TOKEN|SECRET|AUTH|KEY|CRED|COOKIE|BEARER/i

/** The environment of a child process: the allow-listed part of `parent`, then what the call passes explicitly. */
export function childEnv(
  explicit: Record<string, string> = {},
  parent: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || name.toUpperCase().startsWith('INPUT_')) continue
    const family = CHILD_ENV_PREFIXES.some(p => name.startsWith(p)) && !CREDENTIAL_PART.test(name)
    if (CHILD_ENV_NAMES.has(name) || family) env[name] = value
  }
  return { ...env, ...explicit }
}

export async function run(tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const stdout: string[] = []
  const stderr: string[] = []
  const started = Date.now()
  const env = childEnv(options.env)
  // `docker buildx …` runs the buildx plugin itself, as the docker CLI would (see docker-cli.ts).
  const command = tool === 'docker' && args[0] === 'buildx' ? buildxCommand(args, env) : { tool, args, env }
  const exitCode = await actionsExec.exec(command.tool, command.args, {
    cwd: options.cwd,
    env: command.env,
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
