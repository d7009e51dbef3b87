// Critical-path wall time of the two ways to publish the same release on this machine:
//   single job : the main action once, every target and platform in one bake (arm64 under QEMU);
//   multi-runner: plan + the slowest build leg + merge. Legs are one main-action run per target × platform with
//                 digest-only: true (scripts/harness/multi-runner.mjs).
// Here the legs run one after the other on one amd64 machine and the arm64 legs run under QEMU. On GitHub the
// legs of a matrix run in parallel, each on its own runner (arm64 natively on ubuntu-24.04-arm), so the job
// graph's critical path is plan + slowest leg + merge: that is the figure reported, next to the sum of all
// legs (the runner minutes the matrix costs). Runner start-up and checkout (~10–30 s per job on GitHub) are not
// included: add one job's start-up for the single job and three for the multi-runner path.
// Fresh image names every run, no build cache (cache: none), so every run builds from scratch.
//
// Usage: node scripts/bench-critical-path.mjs [runs=3] [fixture=basic] [targets=api,worker]
// Needs the e2e environment (scripts/e2e-env.sh) and a built action (npm run build, or E2E_ACTION_DIR).
import { e2eEnv, publish, pushContext, uniqueName, workspaceFrom } from './harness/e2e.mjs'
import { multiRunner } from './harness/multi-runner.mjs'
import { repoFixture, startGitHubApi } from './harness/github-api.mjs'

const runs = Number(process.argv[2] ?? 3)
const fixture = process.argv[3] ?? 'basic'
const targets = process.argv[4] ?? 'api,worker'
const platforms = 'linux/amd64,linux/arm64'

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const sec = ms => (ms / 1000).toFixed(1)

async function timeSingle(api) {
  const started = Date.now()
  const r = await publish({
    workspace: await workspaceFrom(fixture),
    context: pushContext('refs/tags/v1.0.0'),
    api,
    inputs: { targets, platforms, 'image-prefix': uniqueName('bench-single') }
  })
  if (r.main.exitCode !== 0) throw new Error(`single job failed:\n${r.main.stdout}\n${r.main.stderr}`)
  return Date.now() - started
}

async function timeMulti(api) {
  const m = await multiRunner({
    workspace: await workspaceFrom(fixture),
    context: pushContext('refs/tags/v1.0.0'),
    env: { GITHUB_API_URL: api.url },
    inputs: { targets, platforms, 'image-prefix': uniqueName('bench-multi') }
  })
  for (const l of m.legs) {
    if (l.result.main.exitCode !== 0) throw new Error(`leg ${l.leg.slug} failed:\n${l.result.main.stdout}`)
  }
  if (m.merge.result.main.exitCode !== 0) throw new Error(`merge failed:\n${m.merge.result.main.stdout}`)
  const legs = m.legs.map(l => l.ms)
  const byPlatform = {}
  for (const l of m.legs) byPlatform[l.leg.platform] = Math.max(byPlatform[l.leg.platform] ?? 0, l.ms)
  return {
    plan: m.plan.ms,
    slowest: Math.max(...legs),
    merge: m.merge.ms,
    critical: m.plan.ms + Math.max(...legs) + m.merge.ms,
    legsTotal: legs.reduce((a, b) => a + b, 0),
    byPlatform
  }
}

await e2eEnv()
const api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') } })
const single = []
const multi = []
try {
  for (let i = 0; i < runs; i++) {
    single.push(await timeSingle(api))
    multi.push(await timeMulti(api))
    console.error(
      `run ${i + 1}/${runs}: single ${sec(single.at(-1))} s, multi critical ${sec(multi.at(-1).critical)} s`
    )
  }
} finally {
  await api.close()
}

const pick = key => median(multi.map(m => m[key]))
const platformsSeen = Object.keys(multi[0].byPlatform)
const rows = [
  ['single job (one bake, all targets × platforms)', median(single)],
  ['multi-runner: plan', pick('plan')],
  ...platformsSeen.map(p => [`multi-runner: slowest ${p} leg`, median(multi.map(m => m.byPlatform[p]))]),
  ['multi-runner: slowest leg overall', pick('slowest')],
  ['multi-runner: merge', pick('merge')],
  ['multi-runner critical path (plan + slowest leg + merge)', pick('critical')],
  ['multi-runner: all legs summed (runner time of the matrix)', pick('legsTotal')]
]
const width = Math.max(...rows.map(r => r[0].length))
console.log(
  `\nCritical path on this machine: fixture ${fixture}, targets ${targets}, ${platforms}, median of ${runs} runs`
)
console.log(`${'path'.padEnd(width)} | seconds`)
console.log(`${'-'.repeat(width)}-|--------`)
for (const [name, ms] of rows) console.log(`${name.padEnd(width)} | ${sec(ms).padStart(7)}`)
console.log(
  '\nLegs ran one after another here, arm64 under QEMU on an amd64 host. On GitHub the legs run in parallel, ' +
    'arm64 natively on ubuntu-24.04-arm, so the critical path is plan + slowest leg + merge; each job also pays ' +
    'its runner start-up and checkout (not measured here).'
)
