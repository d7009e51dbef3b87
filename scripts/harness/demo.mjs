// The README's demo: publishes BlackLake's sample images (the fixture twin of the real bake file,
// __tests__/e2e/fixtures/blacklake) for a simulated push of tag v1.2.3 to the local registry, running the built
// action exactly as the GitHub runner does (scripts/harness/runner.mjs), then prints what the REGISTRY holds:
// image, tags, platforms, index digest, attestations.
//
//   node scripts/harness/demo.mjs [--ref refs/tags/v1.2.3] [--targets all] [--prefix blacklake] [--keep]
//
// The namespace starts empty: images a previous demo left under the prefix are deleted first (the release
// tags are immutable once published, so re-publishing v1.2.3 over them would rightly be refused), unless --keep.
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import {
  annotations,
  describeImage,
  e2eEnv,
  imagesOutput,
  publish,
  pushContext,
  randomSha,
  registryManifest,
  registryTags,
  workspaceFrom,
  REPO_ROOT
} from './e2e.mjs'
import { repoFixture, startGitHubApi } from './github-api.mjs'

const { values } = parseArgs({
  options: {
    ref: { type: 'string', default: 'refs/tags/v1.2.3' },
    targets: { type: 'string', default: 'all' },
    prefix: { type: 'string', default: 'blacklake' },
    keep: { type: 'boolean', default: false }
  }
})

const env = await e2eEnv()
const registry = env.E2E_REGISTRY
const TARGETS = ['api', 'ui', 'gateway', 'jobrunner', 'otel-collector', 'mlflow']

function headSha() {
  try {
    return execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: 'pipe'
    }).trim()
  } catch {
    return randomSha()
  }
}

async function deleteImage(image) {
  const host = image.slice(0, image.indexOf('/')).replace(/^localhost(?=:|$)/, '127.0.0.1')
  const name = image.slice(image.indexOf('/') + 1)
  const digests = new Set()
  for (const tag of await registryTags(image)) {
    const m = await registryManifest(image, tag)
    if (m) digests.add(m.digest)
  }
  for (const digest of digests) {
    const r = await fetch(`http://${host}/v2/${name}/manifests/${digest}`, { method: 'DELETE' })
    if (!r.ok && r.status !== 404) throw new Error(`cannot delete ${image}@${digest}: ${r.status}`)
  }
  return digests.size
}

if (!values.keep) {
  let removed = 0
  for (const t of TARGETS) removed += await deleteImage(`${registry}/${values.prefix}/${t}`)
  if (removed)
    console.log(`demo: removed ${removed} manifest(s) a previous demo left under ${values.prefix}/`)
}

const api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') } })
const context = pushContext(values.ref, headSha())
console.log(
  `demo: publishing ${values.targets} for a push of ${values.ref} (${context.sha.slice(0, 12)}) ...`
)
const started = Date.now()
let result
try {
  result = await publish({
    workspace: await workspaceFrom('blacklake'),
    context,
    api,
    inputs: { targets: values.targets, 'image-prefix': values.prefix }
  })
} finally {
  await api.close()
}
const seconds = ((Date.now() - started) / 1000).toFixed(1)
if (result.main.exitCode !== 0) {
  process.stdout.write(result.main.stdout)
  process.stderr.write(result.main.stderr)
  console.error(`demo: the action failed after ${seconds}s: ${annotations(result, 'error').join('; ')}`)
  process.exit(1)
}
console.log(`demo: action finished in ${seconds}s (main + post); reading back from ${registry} ...\n`)

// The table, from the registry.
const rows = []
for (const [target, out] of Object.entries(imagesOutput(result))) {
  const tags = await registryTags(out.image)
  const version = values.ref.replace(/^refs\/(tags|heads)\//, '')
  const ref = tags.includes(version) ? version : tags[0]
  const d = ref ? await describeImage(out.image, ref) : undefined
  const kinds = a => {
    const k = []
    if (a.predicateTypes.includes('https://spdx.dev/Document')) k.push('SBOM')
    if (a.predicateTypes.some(p => p.startsWith('https://slsa.dev/provenance/'))) k.push('provenance')
    return k.join('+') || a.predicateTypes.join(',')
  }
  const byPlatform = d
    ? d.platforms.map(p => {
        const a = d.attestations.find(x => x.refersTo === p.digest)
        return `${p.platform.replace('linux/', '')}: ${a ? kinds(a) : 'none'}`
      })
    : []
  rows.push({
    image: out.image,
    tags: tags.join(' '),
    platforms: d ? d.platforms.map(p => p.platform).join(',') : '-',
    digest: d ? d.digest.slice(0, 19) : '-',
    attestations: byPlatform.join('; ') || '-',
    target
  })
}
const columns = ['image', 'tags', 'platforms', 'digest', 'attestations']
const width = c => Math.max(c.length, ...rows.map(r => r[c].length))
const line = r => columns.map(c => r[c].padEnd(width(c))).join('  ')
console.log(line(Object.fromEntries(columns.map(c => [c, c.toUpperCase()]))))
console.log(columns.map(c => '-'.repeat(width(c))).join('  '))
for (const r of rows) console.log(line(r))
console.log(
  `\nInspect one: docker buildx imagetools inspect ${rows[0]?.image}:${values.ref.split('/').pop()}`
)
