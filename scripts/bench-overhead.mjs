// Overhead of the main action over a hand-written `docker buildx bake` doing the same work on this machine:
//   A  the built action (main + post, Node 24, as the runner runs it) publishing a release of the e2e fixture:
//      every target for every platform, five tags per image (v1.2.3, v1.2, v1, latest, sha-…), pushed, SBOM and
//      max provenance, OCI labels;
//   B  `docker buildx bake --push` of the same targets with the same tags, labels, platforms, SBOM generator
//      and provenance, on the same builder.
// Both run on a warm build cache (one unmeasured run of each first), each run into fresh repositories. Runs are
// interleaved A/B, B/A, … in one process so machine noise hits both alike; the medians, their difference and
// their ratio are printed. With the action's debug log on, its phase timings (`phase NAME: N ms`) are collected
// too and printed as medians, which is where to look when the difference grows.
//
// Usage: node scripts/bench-overhead.mjs [pairs=7] [targets=api,worker] [platforms=linux/amd64,linux/arm64]
// Needs the e2e environment (scripts/e2e-env.sh) and a built action (npm run build, or E2E_ACTION_DIR).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { e2eEnv, publish, pushContext, uniqueName, workspaceFrom } from './harness/e2e.mjs'
import { repoFixture, startGitHubApi } from './harness/github-api.mjs'

const pairs = Number(process.argv[2] ?? 7)
const targets = (process.argv[3] ?? 'api,worker').split(',')
const platforms = process.argv[4] ?? 'linux/amd64,linux/arm64'
const SHA = '860c190d0f1a2b3c4d5e6f708192a3b4c5d6e7f8'
const TAGS = ['v1.2.3', 'v1.2', 'v1', 'latest', `sha-${SHA.slice(0, 7)}`]

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const sec = ms => (ms / 1000).toFixed(2)

const env = await e2eEnv()
const api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') } })

/** A: the action. Returns the wall time of main + post, and the phase timings of its debug log. */
async function action() {
  const workspace = await workspaceFrom('basic')
  const prefix = uniqueName('bench-a')
  const started = Date.now()
  const r = await publish({
    workspace,
    context: pushContext('refs/tags/v1.2.3', SHA),
    api,
    env: { RUNNER_DEBUG: '1' },
    inputs: { targets: targets.join(','), platforms, 'image-prefix': prefix }
  })
  const ms = Date.now() - started
  if (r.main.exitCode !== 0)
    throw new Error(`the action failed:\n${r.main.stdout.slice(-4000)}\n${r.main.stderr}`)
  const phases = {}
  for (const m of `${r.main.stdout}\n${r.post?.stdout ?? ''}`.matchAll(
    /^::debug::phase (.+?): (\d+) ms$/gm
  )) {
    phases[m[1]] = (phases[m[1]] ?? 0) + Number(m[2])
  }
  return { ms, phases }
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
  console.log(`warm-up: one run of each (${targets.join(', ')} for ${platforms})`)
  await action()
  await handBake()
  const a = []
  const b = []
  const phases = []
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? ['A', 'B'] : ['B', 'A']
    for (const which of order) {
      if (which === 'A') {
        const r = await action()
        a.push(r.ms)
        phases.push(r.phases)
      } else b.push((await handBake()).ms)
    }
    console.log(`pair ${i + 1}/${pairs}: action ${sec(a.at(-1))} s, bake ${sec(b.at(-1))} s`)
  }
  const ma = median(a)
  const mb = median(b)
  console.log('')
  console.log(`runs: ${pairs} pairs, interleaved; medians`)
  console.log(`  action (main + post): ${sec(ma)} s`)
  console.log(`  hand-written bake   : ${sec(mb)} s`)
  console.log(`  overhead            : +${sec(ma - mb)} s (ratio ${(ma / mb).toFixed(2)}×)`)
  const names = [...new Set(phases.flatMap(p => Object.keys(p)))]
  if (names.length) {
    console.log('  action phases (median ms):')
    for (const n of names) console.log(`    ${n.padEnd(28)} ${median(phases.map(p => p[n] ?? 0)).toFixed(0)}`)
  }
} finally {
  await api.close()
}
