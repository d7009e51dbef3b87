// Every document the docs and the action.yml files point to exists: relative markdown links in README.md and
// docs/, and the `docs/…` files the action.yml comments name. And no tracked file carries what only made sense
// while it was written: a merge's conflict markers, or a tracker number in place of the reason.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
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

describe('tracked text files', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
    .split('\0')
    .filter(f => /\.(ts|mjs|js|md|ya?ml|hcl|json|sh)$|(^|\/)justfile$/.test(f))
    .filter(f => !f.startsWith('dist/') && f !== 'package-lock.json' && existsSync(f))
  const offending = (pattern: RegExp) => files.filter(f => pattern.test(readFileSync(f, 'utf8')))
  // Built from parts, so this file does not match its own patterns.
  const conflictMarker = new RegExp(`^(${'<'.repeat(7)}|${'>'.repeat(7)}) `, 'm')
  const trackerNumber = new RegExp(['\\bissues?', '[ -]?#?\\d'].join(''), 'i')

  it('hold no merge conflict markers', () => {
    expect(offending(conflictMarker)).toEqual([])
  })

  it('name no tracker numbers: comments, test names and docs say why instead', () => {
    expect(offending(trackerNumber)).toEqual([])
  })

  it('the checks find what they look for', () => {
    const issue = 'issue'
    expect(trackerNumber.test(`the rules of ${issue}-5`)).toBe(true)
    expect(trackerNumber.test(`(${issue} 11)`)).toBe(true)
    expect(trackerNumber.test('docker/buildx#2758, an issuer')).toBe(false)
    expect(conflictMarker.test(`text\n${'<'.repeat(7)} HEAD\n`)).toBe(true)
  })
})
