// The post step (src/actions/post.ts): undoes what main did, each part on its own, and warns instead of failing.
import { describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { cleanup, hasCleanup } from '../../src/actions/post.js'
import { memoryState, State } from '../../src/lib/state.js'

describe('post step', () => {
  it('does nothing when main created nothing, and says so', async () => {
    const lines: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      lines.push(String(chunk))
      return true
    })
    try {
      await expect(cleanup(memoryState())).resolves.toBeUndefined()
    } finally {
      spy.mockRestore()
    }
    expect(lines.join('')).toContain('No builder to remove: this run did not create one')
    expect(lines.join('')).toContain('No registry to log out of')
  })

  it('turns every failure into a warning and still runs the other parts', async () => {
    const state = memoryState()
    state.save(State.LocalCache, '{not json')
    state.save(State.LoggedInRegistries, '[not json')
    state.save(State.LayoutDirs, 'also not json')
    const lines: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      lines.push(String(chunk))
      return true
    })
    try {
      await expect(cleanup(state)).resolves.toBeUndefined()
    } finally {
      spy.mockRestore()
    }
    const warnings = lines.filter(l => l.startsWith('::warning::'))
    expect(warnings.map(w => w.replace(/:.*?could not /, '').split(':')[0])).toEqual([
      'save the local cache',
      'remove the OCI layouts',
      'log out'
    ])
  })

  it('has work while a layout main left is on disk, none once main removed it (it loads nothing then)', () => {
    const state = memoryState()
    expect(hasCleanup(state)).toBe(false)
    const layouts = mkdtempSync(path.join(tmpdir(), 'post-layouts-'))
    state.save(State.LayoutDirs, JSON.stringify([layouts]))
    expect(hasCleanup(state)).toBe(true)
    rmSync(layouts, { recursive: true })
    expect(hasCleanup(state)).toBe(false)
    state.save(State.LayoutDirs, 'not json')
    expect(hasCleanup(state)).toBe(true)
    state.save(State.LayoutDirs, '[]')
    state.save(State.LoggedInRegistries, '["localhost:5001"]')
    expect(hasCleanup(state)).toBe(true)
  })
})
