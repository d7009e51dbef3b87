// The same engine outside Actions: `multiarch-action plan|publish [flags]`. The GitHub context comes from the
// local Git checkout (explicit --ref/--sha/--event/--pr win); every action input is a flag of the same name
// (repeat a flag for a multi-line value). `plan` is a dry run; `publish` builds, pushes and tags. The log goes
// to stderr, rendered for a terminal; stdout gets the result: one row per image, or JSON with --json.
import { realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { contextFromGit } from '../1-context/context.js'
import { INPUT_NAMES, parseInputs, type InputName } from '../1-context/inputs.js'
import type { ReportSink } from '../8-report/summary.js'
import { renderResult, renderWorkflowCommands, resultJson } from '../8-report/terminal.js'
import { memoryState } from '../lib/state.js'
import { run } from './main.js'
import { cleanup, hasCleanup } from './post.js'
import { runVerify } from './verify.js'

const USAGE = `Usage: multiarch-action plan|publish|verify [options]

  plan       resolve tags, images and the bake definition; build and push nothing
  publish    build, push by digest, then tag every target (same as the action)
  verify     check published images: signatures, identity, SBOM, provenance, platforms (verify --help)

Context (default: the local Git checkout):
  --ref REF        e.g. refs/tags/v1.2.3 to see what a release would publish
  --sha SHA        commit (default HEAD)
  --event NAME     GitHub event name (default push)
  --pr N           act as pull request N (refs/pull/N/merge, event pull_request)

Inputs: every input of action.yml as --NAME VALUE (repeat a flag for several lines), e.g.
  --registry localhost:5000 --driver docker --cache none --platforms linux/amd64,linux/arm64
Secrets: --password or MULTIARCH_PASSWORD; --github-token or GITHUB_TOKEN.
Output: the result on stdout, one row per image (--json: one JSON document); the log on stderr (plan shows
  only warnings and errors; --verbose shows every line, debug included).`

export function cliOptions() {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    ref: { type: 'string' },
    sha: { type: 'string' },
    event: { type: 'string' },
    pr: { type: 'string' },
    help: { type: 'boolean' },
    verbose: { type: 'boolean' },
    json: { type: 'boolean' }
  }
  for (const name of INPUT_NAMES) options[name] = { type: 'string', multiple: true }
  return options
}

export interface CliRequest {
  command: 'plan' | 'publish'
  get: (name: InputName) => string
  ref?: string
  sha?: string
  event?: string
  pr?: number
  verbose: boolean
  /** Print the result as JSON. */
  json: boolean
}

/** Parses argv (without node and script); throws with the usage on anything it does not understand. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliRequest | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: cliOptions(),
    allowPositionals: true,
    strict: true
  })
  if (values.help) return 'help'
  const command = positionals[0]
  if ((command !== 'plan' && command !== 'publish') || positionals.length > 1) {
    throw new Error(`Expected one command, plan or publish.\n\n${USAGE}`)
  }
  const multi = values as Record<string, string[] | string | boolean | undefined>
  const get = (name: InputName): string => {
    const v = multi[name]
    const joined = Array.isArray(v) ? v.join('\n') : ''
    if (name === 'dry-run' && command === 'plan') return 'true'
    if (name === 'password' && !joined) return env.MULTIARCH_PASSWORD ?? ''
    if (name === 'github-token' && !joined) return env.GITHUB_TOKEN ?? ''
    return joined
  }
  let pr: number | undefined
  if (typeof values.pr === 'string') {
    pr = Number(values.pr)
    if (!Number.isInteger(pr) || pr <= 0)
      throw new Error(`--pr expects a pull request number, got '${values.pr}'.`)
  }
  return {
    command,
    get,
    ref: values.ref as string | undefined,
    sha: values.sha as string | undefined,
    event: values.event as string | undefined,
    pr,
    verbose: values.verbose === true,
    json: values.json === true
  }
}

/** The job summary and step outputs are GitHub's; the terminal gets the result view instead. */
const noSink: ReportSink = { output: () => undefined, summary: async () => undefined }

async function main(): Promise<void> {
  if (process.argv[2] === 'verify') {
    process.exitCode = await runVerify(process.argv.slice(3)).catch((e: Error) => {
      console.error(e.message)
      return 1
    })
    return
  }
  let request: CliRequest | 'help'
  try {
    request = parseCli(process.argv.slice(2))
  } catch (e) {
    console.error((e as Error).message)
    process.exitCode = 2
    return
  }
  if (request === 'help') {
    console.log(USAGE)
    return
  }
  let print: (text: string) => void = text => void process.stdout.write(text)
  if (process.env.GITHUB_ACTIONS !== 'true') {
    const verbose = request.verbose || !!process.env.RUNNER_DEBUG
    print = renderWorkflowCommands(verbose ? 'verbose' : request.command === 'plan' ? 'quiet' : 'normal')
  }
  const inputs = parseInputs(request.get)
  const context = await contextFromGit({
    cwd: path.resolve(inputs.workdir),
    ref: request.ref,
    sha: request.sha,
    eventName: request.event,
    pullRequest: request.pr
  })
  const state = memoryState()
  const report = await run({ inputs, context, state, sink: noSink })
  if (hasCleanup(state)) await cleanup(state)
  print(request.json ? `${JSON.stringify(resultJson(report), null, 2)}\n` : renderResult(report))
  process.exitCode = report.error ? 1 : 0
}

/** True when this module is the program (also through npx's bin symlink), false when a test imports it. */
function isEntry(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntry()) await main()
