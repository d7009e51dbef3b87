// Protocol-level tests of the local Actions cache service (scripts/harness/gha-cache.mjs): the calls BuildKit
// 0.13's go-actions-cache client makes, in the order it makes them (see shared notes gha-cache-protocol.md).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  BUILDKIT_CACHE_VERSION,
  type GhaCache,
  mintToken,
  parseKey,
  refHash,
  startGhaCache,
  verifyToken
} from '../../scripts/harness/gha-cache.mjs'

const V = BUILDKIT_CACHE_VERSION
const MAIN = 'refs/heads/main'
const FEATURE = 'refs/heads/feature'

let svc: GhaCache
beforeAll(async () => {
  svc = await startGhaCache()
})
afterAll(async () => svc.close())

const headers = (token: string) => ({
  Authorization: `Bearer ${token}`,
  Accept: 'application/json;api-version=6.0-preview.1'
})

async function lookup(token: string, keys: string[], version = V) {
  const query = new URLSearchParams({ keys: keys.join(','), version })
  const r = await fetch(`${svc.url}_apis/artifactcache/cache?${query}`, { headers: headers(token) })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : undefined }
}

async function reserve(token: string, key: string) {
  const r = await fetch(`${svc.url}_apis/artifactcache/caches`, {
    method: 'POST',
    headers: { ...headers(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ key, version: V })
  })
  return { status: r.status, body: (await r.json()) as { cacheId: number; typeKey?: string } }
}

async function patch(token: string, id: number, start: number, data: Buffer) {
  const r = await fetch(`${svc.url}_apis/artifactcache/caches/${id}`, {
    method: 'PATCH',
    headers: {
      ...headers(token),
      'Content-Type': 'application/octet-stream',
      'Content-Range': `bytes ${start}-${start + data.length - 1}/*`
    },
    body: data
  })
  return r.status
}

async function commit(token: string, id: number, size: number) {
  const r = await fetch(`${svc.url}_apis/artifactcache/caches/${id}`, {
    method: 'POST',
    headers: { ...headers(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ size })
  })
  return r.status
}

async function save(token: string, key: string, data: Buffer) {
  const r = await reserve(token, key)
  expect(r.status).toBe(201)
  expect(await patch(token, r.body.cacheId, 0, data)).toBe(204)
  expect(await commit(token, r.body.cacheId, data.length)).toBe(204)
  return r.body.cacheId
}

describe('token', () => {
  it('is a three-segment JWT whose ac claim is a JSON string of ref scopes', () => {
    const token = mintToken([`${MAIN}:rw`, 'refs/heads/x:r'])
    const [, payload] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    expect(typeof claims.ac).toBe('string')
    expect(JSON.parse(claims.ac)).toEqual([
      { Scope: MAIN, Permission: 3 },
      { Scope: 'refs/heads/x', Permission: 1 }
    ])
    expect(claims.nbf).toBeLessThanOrEqual(Date.now() / 1000 - 59)
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000)
    expect(verifyToken(token)).toHaveLength(2)
  })

  it('rejects malformed and expired tokens with 401', async () => {
    expect(() => verifyToken('x')).toThrow('invalid number of segments')
    const expired = mintToken([`${MAIN}:rw`], { now: Date.now() - 7200_000 })
    expect(() => verifyToken(expired)).toThrow('expired')
    expect((await lookup('x', ['k'])).status).toBe(401)
    expect((await lookup(expired, ['k'])).status).toBe(401)
    expect(() => mintToken(['refs/heads/main'])).toThrow('bad cache scope spec')
  })
})

describe('keys', () => {
  it('parses BuildKit index keys with scopes that contain dashes', () => {
    expect(refHash(MAIN)).toBe(createHash('sha256').update(MAIN).digest('hex').slice(0, 8))
    expect(parseKey(`index-my-api-1-${refHash(MAIN)}#12`)).toEqual({
      kind: 'index',
      bkScope: 'my-api',
      refHash: refHash(MAIN),
      generation: 12
    })
    expect(parseKey(`index-api-1-${refHash(MAIN)}`).generation).toBeUndefined()
    expect(parseKey('buildkit-blob-1-sha256:abc').kind).toBe('blob')
  })
})

describe('v1 protocol', () => {
  const main = mintToken([`${MAIN}:rw`])

  it('misses with 204 and an empty body, then serves a committed entry by prefix, newest first', async () => {
    const prefix = `index-api-1-${refHash(MAIN)}`
    expect(await lookup(main, [prefix])).toEqual({ status: 204, body: undefined })
    await save(main, `${prefix}#1`, Buffer.from('gen one'))
    await save(main, `${prefix}#2`, Buffer.from('gen two'))
    const hit = await lookup(main, [prefix])
    expect(hit.status).toBe(200)
    expect(hit.body).toMatchObject({ cacheKey: `${prefix}#2`, scope: MAIN, cacheVersion: V })
    const exact = await lookup(main, [`${prefix}#1`])
    expect(exact.body.cacheKey).toBe(`${prefix}#1`)
    const download = await fetch(hit.body.archiveLocation)
    expect(download.status).toBe(200)
    expect(await download.text()).toBe('gen two')
    expect(svc.readScopes()).toEqual(['api'])
    expect(svc.writtenScopes()).toEqual(['api'])
  })

  it('requires version equality', async () => {
    await save(main, 'buildkit-blob-1-sha256:v', Buffer.from('v'))
    expect((await lookup(main, ['buildkit-blob-1-sha256:v'], 'other-version')).status).toBe(204)
    expect((await lookup(main, ['buildkit-blob-1-sha256:v'])).status).toBe(200)
  })

  it('answers 409 ArtifactCacheAlreadyExistsException for a key that exists', async () => {
    await save(main, 'buildkit-blob-1-sha256:dup', Buffer.from('a'))
    const again = await reserve(main, 'buildkit-blob-1-sha256:dup')
    expect(again.status).toBe(409)
    expect(again.body.typeKey).toBe('ArtifactCacheAlreadyExistsException')
  })

  it('assembles out-of-order chunks and checks the committed size', async () => {
    const r = await reserve(main, 'buildkit-blob-1-sha256:chunks')
    const id = r.body.cacheId
    expect(await patch(main, id, 5, Buffer.from('world'))).toBe(204)
    expect(await patch(main, id, 0, Buffer.from('hello'))).toBe(204)
    expect(await commit(main, id, 11)).toBe(400)
    expect(await commit(main, id, 10)).toBe(204)
    const hit = await lookup(main, ['buildkit-blob-1-sha256:chunks'])
    const ranged = await fetch(hit.body.archiveLocation, { headers: { Range: 'bytes=5-' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe('bytes 5-9/10')
    expect(await ranged.text()).toBe('world')
  })

  it('keeps an uncommitted entry invisible', async () => {
    const r = await reserve(main, 'buildkit-blob-1-sha256:pending')
    expect(r.status).toBe(201)
    expect((await lookup(main, ['buildkit-blob-1-sha256:pending'])).status).toBe(204)
  })
})

describe('ref scopes', () => {
  it('writes to the last writable ref and reads every readable ref in token order', async () => {
    const main = mintToken([`${MAIN}:rw`])
    const feature = mintToken([`${MAIN}:r`, `${FEATURE}:rw`])
    const mainKey = `index-web-1-${refHash(MAIN)}`
    const featureKey = `index-web-1-${refHash(FEATURE)}`
    await save(main, `${mainKey}#1`, Buffer.from('main index'))

    // The importer asks for one index key per ref; the feature token misses its own and hits main's.
    const mark = svc.mark()
    const hit = await lookup(feature, [featureKey])
    expect(hit.status).toBe(204)
    const fallback = await lookup(feature, [mainKey])
    expect(fallback.body).toMatchObject({ cacheKey: `${mainKey}#1`, scope: MAIN })

    await save(feature, `${featureKey}#1`, Buffer.from('feature index'))
    expect(svc.entries.find(e => e.key === `${featureKey}#1`)?.scope).toBe(FEATURE)
    // The main token cannot see the feature branch's entry.
    expect((await lookup(main, [featureKey])).status).toBe(204)
    expect(svc.readScopes(mark)).toEqual(['web'])
    expect(svc.writtenScopes(mark)).toEqual(['web'])
  })

  it('refuses writes from a read-only token and records the attempt', async () => {
    const pr = mintToken(['refs/pull/7/merge:r', `${MAIN}:r`])
    const mark = svc.mark()
    const r = await reserve(pr, 'index-pr-1-00000000#1')
    expect(r.status).toBe(403)
    expect(svc.writeAttempts(mark)).toHaveLength(1)
    expect(svc.writtenScopes(mark)).toEqual([])
  })
})
