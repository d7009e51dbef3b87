// Captures buildx's own view of every bake-file corpus case (__tests__/fixtures/corpus/*): `bake --print` and
// `bake --print --push` (what bake would push), plus bake's progress on stderr (the files it read). The unit tests
// plan from these captures and compare with them; nothing here is written by hand.
//
//   node scripts/corpus-capture.mjs                      # the engine's buildx (`docker buildx`), e.g. 0.29.1
//   BUILDX=/path/to/docker-buildx node scripts/corpus-capture.mjs   # a standalone buildx binary, e.g. 0.13.1
//
// Each case runs with the bake variables the action would set for it (case.json: REGISTRY=localhost:5000 and
// IMAGE_PREFIX=acme, as the registry and image-prefix inputs give them, unless `registryGiven` is false) and
// nothing else of this machine's environment that bake would read as a variable.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CORPUS = path.join(ROOT, '__tests__/fixtures/corpus')
const [cmd, ...pre] = process.env.BUILDX ? [process.env.BUILDX] : ['docker', 'buildx']

const version = execFileSync(cmd, [...pre, 'version'], { encoding: 'utf8' }).match(/(\d+)\.(\d+)\.\d+/)
const label = `${version[1]}.${version[2]}`
const VARS = ['REGISTRY', 'IMAGE_PREFIX', 'VERSION', 'TAG', 'ARCHS', 'SERVICES', 'BUILDX_BAKE_FILE']

for (const name of readdirSync(CORPUS).sort()) {
  const dir = path.join(CORPUS, name)
  if (!existsSync(path.join(dir, 'case.json'))) continue
  const c = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8'))
  const env = { ...process.env }
  for (const v of VARS) delete env[v]
  if (c.registryGiven !== false) Object.assign(env, { REGISTRY: 'localhost:5000', IMAGE_PREFIX: 'acme' })
  for (const [suffix, extra] of [
    ['', []],
    ['-push', ['--push']]
  ]) {
    const args = [...pre, 'bake', '--progress=plain', '--print', ...extra, ...(c.targets ?? [])]
    const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' })
    const base = path.join(dir, `print${suffix}.${label}`)
    for (const f of [`${base}.json`, `${base}.error.txt`, `${base}.stderr.txt`]) rmSync(f, { force: true })
    if (r.status !== 0) {
      writeFileSync(`${base}.error.txt`, r.stderr.trim().split('\n').pop() + '\n')
      console.log(`${name}: print${suffix} failed on buildx ${label}: ${r.stderr.trim().split('\n').pop()}`)
      continue
    }
    writeFileSync(`${base}.json`, r.stdout.trim() + '\n')
    if (!suffix) writeFileSync(`${base}.stderr.txt`, r.stderr.replace(/^#0 building with .*\n\n?/m, ''))
  }
  console.log(`${name}: captured with buildx ${label}`)
}
