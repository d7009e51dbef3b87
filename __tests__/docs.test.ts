// Every document the docs and the action.yml files point to exists: relative markdown links in README.md and
// docs/, and the `docs/…` files the action.yml comments name.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const DOCS = [
  'README.md',
  ...readdirSync('docs').map(f => `docs/${f}`),
  '__tests__/README.md',
  '__tests__/e2e/README.md'
]
const ACTIONS = ['action.yml', 'meta/action.yml', 'plan/action.yml', 'merge/action.yml']

describe('linked documents exist', () => {
  it.each(DOCS)('%s: every relative link resolves', doc => {
    const links = [...readFileSync(doc, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map(m => m[1])
      .filter(l => !/^[a-z]+:/.test(l))
    const missing = links.filter(l => !existsSync(path.join(path.dirname(doc), l)))
    expect(missing).toEqual([])
  })

  it.each(ACTIONS)('%s: every docs/ file it names exists', file => {
    const named = [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map(m => m[0])
    expect(named.filter(d => !existsSync(d))).toEqual([])
  })
})
