// Benchmark of the meta sub-action: median wall time of one invocation as a whole process (as the runner
// starts it: node dist/meta/index.js with INPUT_*, GITHUB_*, an event file and a local GitHub API), and the
// bundle size, next to a baseline for docker/metadata-action.
//
// The baseline is a PROXY: docker/metadata-action itself cannot be fetched here, so the script bundles (with
// esbuild, minified, into a temp dir) an entry that imports the dependency set metadata-action's dist bundles
// (@actions/core, @actions/github, @docker/actions-toolkit, handlebars, moment-timezone, csv-parse, semver) and
// does the same kind of work (read inputs, GET the repository through the toolkit's Octokit, render, write
// outputs). Its startup cost, which is mostly bundle size, stands in for metadata-action's.
//
// Usage: node scripts/bench-meta.mjs [runs=15]
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, statSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { bundleOptions } from './esbuild-options.mjs'
import { startGitHubApi, repoFixture } from './harness/github-api.mjs'
import { node24 } from './harness/node24.mjs'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const runs = Number(process.argv[2] ?? 15)
const ours = path.join(root, 'dist/meta/index.js')
if (!existsSync(ours)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })

// Both run on the runtime action.yml declares (node24), as the runner starts them.
const nodeBin = node24()
const nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim()

const work = mkdtempSync(path.join(tmpdir(), 'bench-meta-'))
const baseline = path.join(work, 'baseline.mjs')
const baselineEntry = `
import * as core from '@actions/core'
import * as github from '@actions/github'
import { Toolkit } from '@docker/actions-toolkit/lib/toolkit.js'
import { Util } from '@docker/actions-toolkit/lib/util.js'
import handlebars from 'handlebars'
import moment from 'moment-timezone'
import { parse } from 'csv-parse/sync'
import semver from 'semver'
const tags = Util.getInputList('tags', { ignoreComma: true, comment: '#' })
const images = Util.getInputList('images', { ignoreComma: true, comment: '#' })
const toolkit = new Toolkit({ githubToken: core.getInput('github-token') })
const repo = await toolkit.github.repoData()
const ctx = github.context
const rules = tags.map(t => parse(t, { relaxColumnCount: true, skipEmptyLines: true })[0])
const ver = semver.parse(ctx.ref.replace(/^refs\\/tags\\//, ''), { loose: true })
const out = rules.map(r => handlebars.compile(String(r[1]).replace('pattern=', ''))(ver))
const date = moment(new Date()).tz('UTC').format('YYYYMMDD')
core.setOutput('tags', images.flatMap(i => out.map(t => i + ':' + t)).join('\\n'))
core.setOutput('labels', 'org.opencontainers.image.title=' + repo.name + '\\norg.opencontainers.image.created=' + date)
`
await build({
  stdin: { contents: baselineEntry, resolveDir: root, sourcefile: 'baseline-entry.mjs', loader: 'js' },
  outfile: baseline,
  ...bundleOptions,
  logLevel: 'error'
})

const api = await startGitHubApi({ repos: { 'octocat/Hello-World': repoFixture('octocat/Hello-World') } })
const eventPath = path.join(work, 'event.json')
writeFileSync(
  eventPath,
  JSON.stringify({ ref: 'refs/tags/v1.2.3', repository: { default_branch: 'master' } })
)
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: eventPath,
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: '860c1904a1ce19322e91ac35af1ab07466440c37',
  GITHUB_REPOSITORY: 'octocat/Hello-World',
  GITHUB_API_URL: api.url,
  RUNNER_TEMP: work,
  GITHUB_OUTPUT: path.join(work, 'output'),
  GITHUB_ENV: path.join(work, 'env'),
  'INPUT_GITHUB-TOKEN': 'ghs_benchToken',
  INPUT_CONTEXT: 'workflow',
  INPUT_IMAGES: 'name/app\nghcr.io/name/app',
  INPUT_TAGS: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}'
}

function once(script) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(nodeBin, [script], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${stderr}`))
      resolve(Number(process.hrtime.bigint() - start) / 1e6)
    })
  })
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const times = { ours: [], baseline: [] }
for (let i = 0; i < 2; i++)
  await Promise.all([])
    .then(() => once(ours))
    .then(() => once(baseline)) // warm-up
for (let i = 0; i < runs; i++) {
  // Alternate so both see the same machine state.
  times.ours.push(await once(ours))
  times.baseline.push(await once(baseline))
}
await api.close()

const kb = f => (statSync(f).size / 1024).toFixed(1)
const mOurs = median(times.ours)
const mBase = median(times.baseline)
const result = {
  runs,
  node: nodeVersion,
  ours: { bundle: 'dist/meta/index.js', bundleKiB: Number(kb(ours)), medianMs: Number(mOurs.toFixed(1)) },
  baseline: {
    note: 'PROXY for docker/metadata-action: esbuild bundle of its dependency set, not the real action',
    bundleKiB: Number(kb(baseline)),
    medianMs: Number(mBase.toFixed(1))
  },
  ratio: Number((mOurs / mBase).toFixed(3)),
  target: 'ratio <= 0.5'
}
console.log(`meta sub-action: median ${mOurs.toFixed(1)} ms over ${runs} runs, bundle ${kb(ours)} KiB`)
console.log(
  `baseline (PROXY for docker/metadata-action, its dependency set bundled): median ${mBase.toFixed(1)} ms, bundle ${kb(baseline)} KiB`
)
console.log(`ratio ours/baseline: ${result.ratio} (target <= 0.5)`)
console.log(JSON.stringify(result))
rmSync(work, { recursive: true, force: true })
