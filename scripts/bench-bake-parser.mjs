// What reading `bake --print` with @docker/actions-toolkit's Bake.parseDefinition would cost, against the
// action's own reader (src/3-plan/definition.ts, on csv-parse, which every bundle already has): each bundle that
// plans (main, plan) is built as it is and with the toolkit's Bake module added, with this repository's esbuild
// options; then the start-up of each variant on Node 24 (median of RUNS runs of `node BUNDLE --help`-like
// loading: the bundle is imported by a script that exits before the action's code runs any step).
//
//   node scripts/bench-bake-parser.mjs [RUNS]
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleOptions } from './esbuild-options.mjs'
import { node24 } from './harness/node24.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.argv[2] ?? 9)
const out = mkdtempSync(path.join(tmpdir(), 'bench-bake-parser-'))
const entries = { main: 'src/actions/main.ts', plan: 'src/actions/plan/run.ts' }

// The entry modules export their run() without calling it, so importing a bundle measures loading only.
async function bundle(name, entry, withToolkit) {
  const file = path.join(ROOT, `.bench-entry-${name}.ts`)
  writeFileSync(
    file,
    `export * from './${entry}'\n` +
      (withToolkit
        ? "import { Bake } from '@docker/actions-toolkit/lib/buildx/bake.js'\nexport const parse = Bake.parseDefinition\n"
        : '')
  )
  const outfile = path.join(out, `${name}-${withToolkit ? 'toolkit' : 'own'}.mjs`)
  try {
    const r = await build({
      entryPoints: [file],
      outfile,
      ...bundleOptions,
      metafile: true,
      logLevel: 'error'
    })
    return { outfile, bytes: Object.values(r.metafile.outputs)[0].bytes }
  } finally {
    rmSync(file, { force: true })
  }
}

const node = node24()
const loader = path.join(out, 'load.mjs')
writeFileSync(loader, 'await import(process.argv[2])\n')
const median = list => [...list].sort((a, b) => a - b)[list.length >> 1]

const rows = []
for (const [name, entry] of Object.entries(entries)) {
  const variants = { own: await bundle(name, entry, false), toolkit: await bundle(name, entry, true) }
  const times = { own: [], toolkit: [] }
  // Interleaved, so both variants see the same machine load.
  for (let i = 0; i < RUNS; i++) {
    for (const v of ['own', 'toolkit']) {
      const started = process.hrtime.bigint()
      execFileSync(node, [loader, variants[v].outfile])
      times[v].push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  }
  rows.push({ name, variants, own: median(times.own), toolkit: median(times.toolkit) })
}
console.log(
  `bundle | own reader | with toolkit Bake | load, own | load, toolkit (medians of ${RUNS}, Node 24)`
)
for (const r of rows) {
  const kb = b => `${(b / 1024).toFixed(0)} KiB`
  console.log(
    `${r.name} | ${kb(r.variants.own.bytes)} | ${kb(r.variants.toolkit.bytes)} (+${kb(r.variants.toolkit.bytes - r.variants.own.bytes)}) | ` +
      `${r.own.toFixed(0)} ms | ${r.toolkit.toFixed(0)} ms (${(r.toolkit / r.own).toFixed(2)}x)`
  )
}
rmSync(out, { recursive: true, force: true })
