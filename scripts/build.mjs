// Bundles the action with esbuild into ESM files under dist/ and writes dist/licenses.txt. Start-up time is
// bundle size, so each step loads only what it uses: the meta sub-action and the CLI are one file each; the main
// action (main and post steps), plan, merge and cleanup share chunks under dist/chunks/, and what only some runs need
// (@actions/cache for the local cache, Octokit for the PR comment, main or post code, Sigstore for signing) is imported on first use.
import { build } from 'esbuild'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { bundleOptions, requireShim } from './esbuild-options.mjs'

const builds = [
  {
    entries: {
      index: 'src/actions/index.ts',
      'plan/index': 'src/actions/plan/index.ts',
      'merge/index': 'src/actions/merge/index.ts',
      'cleanup/index': 'src/actions/cleanup/index.ts'
    },
    split: true
  },
  { entries: { 'meta/index': 'src/actions/meta/index.ts' } },
  { entries: { cli: 'src/actions/cli.ts' }, shebang: true }
]

await rm('dist', { recursive: true, force: true })
const packages = new Map() // package name -> its directory
for (const b of builds) {
  const result = await build({
    entryPoints: b.entries,
    outdir: 'dist',
    ...bundleOptions,
    ...(b.split ? { splitting: true, chunkNames: 'chunks/[name]-[hash]' } : {}),
    metafile: true,
    logLevel: 'warning',
    banner: { js: (b.shebang ? '#!/usr/bin/env node\n' : '') + requireShim }
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
console.log(`built ${builds.length} bundle sets, ${seen.size} bundled packages`)
