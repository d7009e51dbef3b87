// A GitHub Actions runner simulator for JavaScript actions, as the real runner runs them:
// - inputs from action.yml (defaults applied, `${{ github.token }}` style defaults resolved) as INPUT_<NAME>
//   (upper-cased, spaces to `_`, hyphens kept);
// - GITHUB_* context variables, an event payload file at GITHUB_EVENT_PATH;
// - fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files per step;
// - `runs.main`, then (when declared) `runs.post` with each saved state as STATE_<name>;
// - the Node runtime declared by `runs.using` (node24 through npx, node20 = this process's node).
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as yaml from 'js-yaml'
import { node24 } from './node24.mjs'

/** Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file (`k=v` lines and `k<<DELIM` heredocs). */
export function parseCommandFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = line.match(/^([^=]+?)<<(.+)$/)
    if (heredoc && !line.includes('=')) {
      const [, name, delim] = heredoc
      const value = []
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i])
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name} in command file`)
      out[name] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq < 0) throw new Error(`malformed command file line: ${line}`)
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

function resolveDefault(value, expressions) {
  if (typeof value !== 'string') return value === undefined || value === null ? '' : String(value)
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr) => {
    if (!(expr in expressions)) throw new Error(`runner simulator cannot evaluate \${{ ${expr} }}`)
    return expressions[expr]
  })
}

async function runNode(nodeBin, script, env, cwd, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ exitCode: code ?? -1, stdout, stderr })
    })
  })
}

/**
 * Runs an action's main (and post) step.
 * @param {object} o
 * @param {string} o.action directory holding action.yml
 * @param {Record<string,string>} [o.inputs] inputs as a workflow `with:` block gives them
 * @param {string} [o.eventName] GITHUB_EVENT_NAME (default push)
 * @param {object} [o.payload] event payload (written to GITHUB_EVENT_PATH)
 * @param {Record<string,string>} [o.env] extra environment (GITHUB_REF, GITHUB_SHA, ... or anything else)
 * @param {string} [o.workspace] GITHUB_WORKSPACE and working directory
 * @param {string} [o.token] value of `github.token`
 * @param {boolean} [o.post] run the post step when declared (default true)
 * @param {string} [o.node] 'node24' | 'current' — default: what runs.using declares
 * @param {number} [o.timeoutMs]
 */
export async function runAction(o) {
  const meta = yaml.load(await readFile(path.join(o.action, 'action.yml'), 'utf8'))
  const root = await mkdtemp(path.join(o.tmp ?? tmpdir(), 'runner-'))
  const temp = path.join(root, 'temp')
  await mkdir(temp, { recursive: true })
  const workspace = o.workspace ?? path.join(root, 'workspace')
  await mkdir(workspace, { recursive: true })
  const eventPath = path.join(root, 'event.json')
  await writeFile(eventPath, JSON.stringify(o.payload ?? {}, null, 2))

  const token = o.token ?? 'ghs_simulatedRunnerToken0123456789abcdef'
  const repository = o.env?.GITHUB_REPOSITORY ?? 'blacklake/demo'
  const expressions = {
    'github.token': token,
    'github.repository': repository,
    'github.repository_owner': repository.split('/')[0],
    'github.actor': o.env?.GITHUB_ACTOR ?? 'octocat',
    'github.workspace': workspace,
    'runner.temp': temp
  }
  const inputs = {}
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    inputs[inputEnvName(name)] = resolveDefault(spec?.default, expressions)
  }
  for (const [name, value] of Object.entries(o.inputs ?? {})) {
    if (!(meta.inputs && name in meta.inputs))
      throw new Error(`input "${name}" is not declared in action.yml`)
    inputs[inputEnvName(name)] = String(value)
  }

  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: path.join(root, 'toolcache'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: o.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_ACTOR: expressions['github.actor'],
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1000000001',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'publish',
    GITHUB_WORKFLOW: 'publish',
    GITHUB_ACTION: '__blacklake_multiarch-action',
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...o.env,
    ...inputs
  }
  const using = meta.runs?.using
  const nodeBin = (o.node ?? using) === 'node24' ? node24() : process.execPath
  const timeoutMs = o.timeoutMs ?? 15 * 60_000

  const step = async (kind, script, extraEnv) => {
    const dir = path.join(root, kind)
    await mkdir(dir, { recursive: true })
    const files = {
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_ENV: path.join(dir, 'env'),
      GITHUB_PATH: path.join(dir, 'path'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md')
    }
    for (const f of Object.values(files)) await writeFile(f, '')
    const r = await runNode(
      nodeBin,
      path.resolve(o.action, script),
      { ...base, ...extraEnv, ...files },
      workspace,
      timeoutMs
    )
    const read = async f => readFile(f, 'utf8')
    return {
      ...r,
      files,
      outputs: parseCommandFile(await read(files.GITHUB_OUTPUT)),
      state: parseCommandFile(await read(files.GITHUB_STATE)),
      envFile: parseCommandFile(await read(files.GITHUB_ENV)),
      stateText: await read(files.GITHUB_STATE),
      outputText: await read(files.GITHUB_OUTPUT),
      summary: await read(files.GITHUB_STEP_SUMMARY)
    }
  }

  const main = await step('main', meta.runs.main, {})
  let post
  if (meta.runs.post && o.post !== false) {
    const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
    post = await step('post', meta.runs.post, stateEnv)
  }
  return { root, workspace, temp, eventPath, main, post }
}
