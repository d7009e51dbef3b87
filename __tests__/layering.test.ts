// The shape of src/ as a test: the folders are the pipeline's stages (lib at the bottom, 1-context … 8-report,
// actions at the top), and a module may import only from its own stage, from lower stages and from lib/. No
// import cycle between modules, and no module over the size a reader takes in at once. Imports are read from the
// source text: static `import … from`, `export … from`, side-effect imports and dynamic `import()`, type-only
// ones included (a type that runs up a stage ties the lower stage to the upper one just the same).
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')
const MAX_LINES = 300
/** Modules allowed over MAX_LINES, each with the reason. Keep it short. */
const LONG_MODULES: Record<string, string> = {}

function modules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? modules(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
  )
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/')

/** Stage of a module: lib 0, N-name N, actions 9. */
export function stageOf(module: string): number {
  const folder = module.split('/')[0]
  if (folder === 'lib') return 0
  if (folder === 'actions') return 9
  const m = /^(\d)-/.exec(folder)
  if (!m) throw new Error(`${module} is not in a stage folder (lib, 1-… to 8-…, actions)`)
  return Number(m[1])
}

/** Every src module a module imports (relative specifiers resolved, `.js` read as the `.ts` source). */
export function importsOf(module: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)
  ].map(m => m[1])
  return specifiers
    .filter(s => s.startsWith('.'))
    .map(s => path.posix.normalize(path.posix.join(path.posix.dirname(module), s)).replace(/\.js$/, '.ts'))
}

const graph = new Map(modules().map(f => [rel(f), importsOf(rel(f), readFileSync(f, 'utf8'))]))

/** Import cycles, each as the list of modules around it (Tarjan's strongly connected components). */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0
  const indexOf = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string): void => {
    indexOf.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue
      if (!indexOf.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!))
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (g.get(v) ?? []).includes(v)) out.push(component.sort())
    }
  }
  for (const v of g.keys()) if (!indexOf.has(v)) visit(v)
  return out
}

describe('src/ layering', () => {
  it('every import resolves to a module of src/', () => {
    const missing = [...graph].flatMap(([m, deps]) =>
      deps.filter(d => !graph.has(d)).map(d => `${m} -> ${d}`)
    )
    expect(missing).toEqual([])
  })

  it('no module imports from a later stage (lib < 1-context < … < 8-report < actions)', () => {
    const upward = [...graph].flatMap(([m, deps]) =>
      deps.filter(d => stageOf(d) > stageOf(m)).map(d => `${m} -> ${d}`)
    )
    expect(upward).toEqual([])
  })

  it('no import cycle', () => {
    expect(cycles(graph)).toEqual([])
  })

  it(`no module over ${MAX_LINES} lines, except the listed ones`, () => {
    const long = [...graph.keys()]
      .map(m => [m, readFileSync(path.join(SRC, m), 'utf8').split('\n').length] as const)
      .filter(([m, n]) => n > MAX_LINES && !LONG_MODULES[m])
      .map(([m, n]) => `${m}: ${n} lines`)
    expect(long).toEqual([])
  })

  it('the meta sub-action reaches no heavy package (its start-up budget is its bundle size)', () => {
    const reached = new Set<string>()
    const visit = (m: string): void => {
      if (reached.has(m)) return
      reached.add(m)
      for (const d of graph.get(m) ?? []) visit(d)
    }
    visit('actions/meta/index.ts')
    const heavy = [...reached].filter(m =>
      /from '@actions\/(core|github|cache|http-client)'/.test(readFileSync(path.join(SRC, m), 'utf8'))
    )
    expect(heavy).toEqual([])
  })

  it('the checks themselves catch what they look for', () => {
    expect(importsOf('7-publish/a.ts', "import type { X } from '../8-report/b.js'")).toEqual([
      '8-report/b.ts'
    ])
    expect(importsOf('lib/a.ts', "const m = await import('../actions/x.js')")).toEqual(['actions/x.ts'])
    expect(importsOf('lib/a.ts', "export {\n  a,\n  b\n} from './c.js'")).toEqual(['lib/c.ts'])
    expect(importsOf('lib/a.ts', "import * as core from '@actions/core'")).toEqual([])
    expect(stageOf('8-report/summary.ts')).toBeGreaterThan(stageOf('7-publish/results.ts'))
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']]
    ])
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })
})
