import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { cacheEntries, ghaAvailable, localCachePaths, rotateLocalCache } from '../../src/3-plan/cache.js'

describe('gha cache service', () => {
  it.each([
    [{ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'http://127.0.0.1:1/' }, true],
    [
      {
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/',
        ACTIONS_CACHE_SERVICE_V2: 'true'
      },
      true
    ],
    [
      {
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/',
        ACTIONS_CACHE_SERVICE_V2: 'True'
      },
      true
    ],
    // v2 announced but no results URL: buildx would drop the entries.
    [
      {
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_CACHE_URL: 'http://127.0.0.1:1/',
        ACTIONS_CACHE_SERVICE_V2: 'true'
      },
      false
    ],
    [{ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' }, false],
    [{ ACTIONS_CACHE_URL: 'http://127.0.0.1:1/' }, false],
    [{}, false]
  ])('available with %j: %s', (env, available) => expect(ghaAvailable(env)).toBe(available))
})

describe('local cache', () => {
  it('reads a target’s directory once it holds a cache, writes the next generation beside it, and rotates', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'local-cache-'))
    const opts = {
      mode: 'local' as const,
      scope: 'ci/api',
      image: 'x',
      write: false,
      localDir: root,
      ghaAvailable: false
    }
    const p = localCachePaths(root, 'ci/api')
    expect(p).toEqual({ src: path.join(root, 'ci_api'), dest: path.join(root, 'ci_api.new') })
    expect(cacheEntries(opts).from).toEqual([])

    mkdirSync(p.dest)
    writeFileSync(path.join(p.dest, 'index.json'), '{"gen":2}')
    await rotateLocalCache(root)
    expect(existsSync(p.dest)).toBe(false)
    expect(readFileSync(path.join(p.src, 'index.json'), 'utf8')).toBe('{"gen":2}')
    expect(cacheEntries(opts)).toEqual({
      from: [`type=local,src=${p.src}`],
      to: [`type=local,dest=${p.dest},mode=max,ignore-error=true`]
    })
  })
})

describe('local cache rotation after a failed build', () => {
  it('drops an empty next generation (made for the entitlement grant) and keeps the current one', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'local-cache-'))
    const p = localCachePaths(root, 'api')
    mkdirSync(p.src)
    writeFileSync(path.join(p.src, 'index.json'), '{"gen":1}')
    mkdirSync(p.dest)
    await rotateLocalCache(root)
    expect(existsSync(p.dest)).toBe(false)
    expect(readFileSync(path.join(p.src, 'index.json'), 'utf8')).toBe('{"gen":1}')
  })
})
