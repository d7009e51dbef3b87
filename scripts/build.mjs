// Bundles the action with esbuild into self-contained ESM files under dist/ and writes dist/licenses.txt.
// One bundle per entry point, so the meta sub-action loads only what it uses (startup time is bundle size).
import { build } from 'esbuild'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { bundleOptions, requireShim } from './esbuild-options.mjs'

const entries = [
  { in: 'src/actions/index.ts', out: 'index' },
  { in: 'src/actions/meta/index.ts', out: 'meta/index' },
  { in: 'src/actions/plan/index.ts', out: 'plan/index' },
  { in: 'src/actions/merge/index.ts', out: 'merge/index' },
  { in: 'src/actions/cleanup/index.ts', out: 'cleanup/index' },
  { in: 'src/actions/cli.ts', out: 'cli', shebang: true }
]

await rm('dist', { recursive: true, force: true })
const packages = new Map() // package name -> its directory
for (const entry of entries) {
  const result = await build({
    entryPoints: { [entry.out]: entry.in },
    outdir: 'dist',
    ...bundleOptions,
    metafile: true,
    logLevel: 'warning',
    banner: { js: (entry.shebang ? '#!/usr/bin/env node\n' : '') + requireShim }
  })
  for (const input of Object.keys(result.metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/')
    if (at < 0) continue
    const rest = input.slice(at + 'node_modules/'.length).split('/')
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
    packages.set(name, input.slice(0, at) + 'node_modules/' + name)
  }
}

// dist/licenses.txt: the licence text of every package that ended up in a bundle.
const seen = new Map()
for (const [name, dir] of packages) {
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'))
  const files = (await readdir(dir)).filter(f => /^(licen[cs]e|copying)/i.test(f)).sort()
  const text = files.length
    ? (await readFile(path.join(dir, files[0]), 'utf8')).trim()
    : `License: ${pkg.license ?? 'UNKNOWN'} (no licence file shipped)`
  seen.set(name, `${name}@${pkg.version}\n${pkg.license ?? ''}\n${text}`)
}
await mkdir('dist', { recursive: true })
const body = [...seen.keys()]
  .sort()
  .map(k => seen.get(k))
  .join('\n\n' + '-'.repeat(80) + '\n\n')
await writeFile('dist/licenses.txt', body + '\n')
console.log(`built ${entries.length} bundles, ${seen.size} bundled packages`)
