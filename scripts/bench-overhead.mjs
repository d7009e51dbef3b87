// Overhead of the main action over a hand-written `docker buildx bake` doing the same work on this machine:
//   A  the built action (main + post, Node 24, as the runner runs it) publishing a release of the e2e fixture:
//      every target for every platform, five tags per image (v1.2.3, v1.2, v1, latest, sha-…), pushed, SBOM and
//      max provenance, OCI labels;
//   B  `docker buildx bake --push` of the same targets with the same tags, labels, platforms, SBOM generator
//      and provenance, on the same builder.
// Both run on a warm build cache (one unmeasured run of each first), each run into fresh repositories. Runs are
// interleaved A/B, B/A, … in one process so machine noise hits both alike; the medians, their difference and
// their ratio are printed. With the action's debug log on, its phase timings (`phase NAME: N ms`) are collected
// too and printed as medians, with each external command's time (`NAME: exit N in M ms`), which is where to look
// when the difference grows; and the machine's load average at the end (the machine may be shared).
//
// `--baseline DIR` adds a third contender, another build of the action (a directory holding its action.yml and
// dist/, e.g. a worktree of an earlier commit after `npm run build`), interleaved with the other two: a before /
// after comparison in one run, on the same machine load.
//
// Usage: node scripts/bench-overhead.mjs [pairs=7] [targets=api,worker] [platforms=linux/amd64,linux/arm64]
//        [--baseline DIR]
// Needs the e2e environment (scripts/e2e-env.sh) and a built action (npm run build, or E2E_ACTION_DIR).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { e2eEnv, publish, pushContext, uniqueName, workspaceFrom } from './harness/e2e.mjs'
import { repoFixture, startGitHubApi } from './harness/github-api.mjs'

const argv = process.argv.slice(2)
const at = argv.indexOf('--baseline')
const baseline = at >= 0 ? path.resolve(argv.splice(at, 2)[1]) : undefined
const pairs = Number(argv[0] ?? 7)
const targets = (argv[1] ?? 'api,worker').split(',')
const platforms = argv[2] ?? 'linux/amd64,linux/arm64'
const SHA = '860c190d0f1a2b3c4d5e6f708192a3b4c5d6e7f8'
const TAGS = ['v1.2.3', 'v1.2', 'v1', 'latest', `sha-${SHA.slice(0, 7)}`]

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const sec = ms => (ms / 1000).toFixed(2)

const env = await e2eEnv()
const api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') } })

/** A: the action (or the baseline build). Returns the wall time of main + post, and its phase timings. */
async function action(dir) {
  const workspace = await workspaceFrom('basic')
  const prefix = uniqueName('bench-a')
  const current = process.env.E2E_ACTION_DIR
  if (dir) process.env.E2E_ACTION_DIR = dir
  const started = Date.now()
  const r = await publish({
    workspace,
    context: pushContext('refs/tags/v1.2.3', SHA),
    api,
    env: { RUNNER_DEBUG: '1' },
    inputs: { targets: targets.join(','), platforms, 'image-prefix': prefix }
  })
  const ms = Date.now() - started
  if (current === undefined) delete process.env.E2E_ACTION_DIR
  else process.env.E2E_ACTION_DIR = current
  if (r.main.exitCode !== 0)
    throw new Error(`the action failed:\n${r.main.stdout.slice(-4000)}\n${r.main.stderr}`)
  const phases = {}
  const commands = {}
  const log = `${r.main.stdout}\n${r.post?.stdout ?? ''}`
  for (const m of log.matchAll(/^::debug::phase (.+?): (\d+) ms$/gm)) {
    phases[m[1]] = (phases[m[1]] ?? 0) + Number(m[2])
  }
  // Every external command (the exec wrapper's `NAME: exit N in M ms`), summed per name within the run.
  for (const m of log.matchAll(/^::debug::(.+?): exit \d+ in (\d+) ms$/gm)) {
    commands[m[1]] = (commands[m[1]] ?? 0) + Number(m[2])
  }
  return { ms, phases, commands }
}

/** B: the same work as one hand-written bake command. */
async function handBake() {
  const workspace = await workspaceFrom('basic')
  const prefix = uniqueName('bench-b')
  const image = t => `${env.E2E_REGISTRY}/${prefix}/${t}`
  const labels = {
    'org.opencontainers.image.title': 'demo',
    'org.opencontainers.image.version': 'v1.2.3',
    'org.opencontainers.image.revision': SHA,
    'org.opencontainers.image.source': 'https://github.com/blacklake/demo',
    'org.opencontainers.image.created': new Date().toISOString()
  }
  const override = {
    target: Object.fromEntries(
      targets.map(t => [
        t,
        { tags: TAGS.map(tag => `${image(t)}:${tag}`), platforms: platforms.split(','), labels }
      ])
    )
  }
  await writeFile(path.join(workspace, 'bench-override.json'), JSON.stringify(override))
  const args = ['buildx', 'bake', '--file', 'docker-bake.hcl', '--file', 'bench-override.json', '--push']
  args.push(
    `--sbom=generator=${env.E2E_SBOM_GENERATOR}`,
    '--provenance=mode=max',
    '--progress=plain',
    ...targets
  )
  const started = Date.now()
  const r = await new Promise(resolve =>
    execFile('docker', args, { cwd: workspace, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? -1) : 0, stdout, stderr })
    )
  )
  const ms = Date.now() - started
  if (r.code !== 0) throw new Error(`docker buildx bake failed:\n${r.stderr.slice(-4000)}`)
  return { ms }
}

try {
  const load = () =>
    os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(', ')
  console.log(`warm-up: one run of each (${targets.join(', ')} for ${platforms}); load ${load()}`)
  await action()
  if (baseline) await action(baseline)
  await handBake()
  const runs = { A: [], A0: [], B: [] }
  const phases = []
  const commands = []
  const kinds = baseline ? ['A', 'A0', 'B'] : ['A', 'B']
  for (let i = 0; i < pairs; i++) {
    // Rotate the order, so no contender always runs first (or right after another).
    const order = kinds.map((_, k) => kinds[(k + i) % kinds.length])
    for (const which of order) {
      if (which === 'A') {
        const r = await action()
        runs.A.push(r.ms)
        phases.push(r.phases)
        commands.push(r.commands)
      } else if (which === 'A0') runs.A0.push((await action(baseline)).ms)
      else runs.B.push((await handBake()).ms)
    }
    const last = kinds.map(k => `${k} ${sec(runs[k].at(-1))} s`).join(', ')
    console.log(`round ${i + 1}/${pairs}: ${last}`)
  }
  const mb = median(runs.B)
  console.log('')
  console.log(`runs: ${pairs} rounds, interleaved; medians`)
  console.log(`  hand-written bake (B)       : ${sec(mb)} s`)
  for (const [k, label] of [
    ['A', 'action (main + post)'],
    ['A0', `baseline ${baseline ?? ''}`]
  ]) {
    if (!runs[k].length) continue
    const m = median(runs[k])
    console.log(
      `  ${label.padEnd(28)}: ${sec(m)} s, overhead +${sec(m - mb)} s (ratio ${(m / mb).toFixed(2)}×)`
    )
  }
  for (const [title, list] of [
    ['action phases (median ms)', phases],
    ['action commands (median ms; concurrent ones overlap)', commands]
  ]) {
    const names = [...new Set(list.flatMap(p => Object.keys(p)))]
    if (!names.length) continue
    console.log(`  ${title}:`)
    for (const n of names) console.log(`    ${n.padEnd(34)} ${median(list.map(p => p[n] ?? 0)).toFixed(0)}`)
  }
  console.log(`  machine load (1, 5, 15 min) at the end: ${load()}`)
} finally {
  await api.close()
}
