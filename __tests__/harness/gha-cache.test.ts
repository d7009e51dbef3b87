// Protocol-level tests of the local Actions cache service v2 (scripts/harness/gha-cache.mjs): the Twirp calls
// BuildKit's go-actions-cache client (cache_v2.go) makes, and the Azure blob calls it makes on the signed URLs,
// in the order it makes them (see shared notes gha-cache-protocol.md). The same service is driven by the real
// engine in __tests__/e2e/gha-cache.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  BUILDKIT_CACHE_VERSION,
  type GhaCache,
  mintToken,
  parseKey,
  refHash,
  startGhaCache,
  TWIRP,
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

/** One Twirp call, as the client makes it: POST, JSON, bearer token, to ACTIONS_RESULTS_URL without its slash. */
async function twirp(token: string, method: string, body: unknown) {
  const r = await fetch(`${svc.url.replace(/\/$/, '')}${TWIRP}${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: r.status, body: (await r.json()) as Record<string, string | boolean> }
}

const lookup = (token: string, key: string, restoreKeys: string[] = [key], version = V) =>
  twirp(token, 'GetCacheEntryDownloadURL', { key, restore_keys: restoreKeys, version })

const blockId = (n: number) => Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64')

/** Create → Put Block × n → Put Block List → Finalize, as the Azure SDK uploads a blob in blocks. */
async function save(token: string, key: string, data: Buffer, blocks = 2) {
  const created = await twirp(token, 'CreateCacheEntry', { key, version: V })
  expect(created.status).toBe(200)
  const url = new URL(created.body.signed_upload_url as string)
  const size = Math.ceil(data.length / blocks)
  const ids: string[] = []
  // Blocks may arrive in any order; the block list says the order.
  for (const n of [...Array(blocks).keys()].reverse()) {
    const u = new URL(url)
    u.searchParams.set('comp', 'block')
    u.searchParams.set('blockid', blockId(n))
    const r = await fetch(u, { method: 'PUT', body: data.subarray(n * size, (n + 1) * size) })
    expect(r.status).toBe(201)
    expect(r.headers.get('x-ms-request-id')).toMatch(/\S/)
    ids[n] = blockId(n)
  }
  const list = new URL(url)
  list.searchParams.set('comp', 'blocklist')
  const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map(i => `<Latest>${i}</Latest>`).join('')}</BlockList>`
  expect((await fetch(list, { method: 'PUT', body: xml })).status).toBe(201)
  const done = await twirp(token, 'FinalizeCacheEntryUpload', {
    key,
    size_bytes: String(data.length),
    version: V
  })
  expect(done.body).toMatchObject({ ok: true })
  return created.body.signed_upload_url as string
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

  it('rejects malformed and expired tokens with Twirp unauthenticated', async () => {
    expect(() => verifyToken('x')).toThrow('invalid number of segments')
    const expired = mintToken([`${MAIN}:rw`], { now: Date.now() - 7200_000 })
    expect(() => verifyToken(expired)).toThrow('expired')
    expect(await lookup('x', 'k')).toMatchObject({ status: 401, body: { code: 'unauthenticated' } })
    expect((await lookup(expired, 'k')).status).toBe(401)
    expect(() => mintToken(['refs/heads/main'])).toThrow('bad cache scope spec')
  })

  it('gives a job the three variables runners set for cache v2', () => {
    const env = svc.env([`${MAIN}:rw`])
    expect(Object.keys(env).sort()).toEqual([
      'ACTIONS_CACHE_SERVICE_V2',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_RUNTIME_TOKEN'
    ])
    expect(env.ACTIONS_RESULTS_URL).toBe(svc.url)
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

describe('v2 protocol', () => {
  const main = mintToken([`${MAIN}:rw`])

  it('misses with ok:false, then serves a finalized entry by prefix, newest first', async () => {
    const prefix = `index-api-1-${refHash(MAIN)}#`
    expect(await lookup(main, prefix)).toEqual({
      status: 200,
      body: { ok: false, signed_download_url: '', matched_key: '' }
    })
    await save(main, `${prefix}1`, Buffer.from('generation one'))
    await save(main, `${prefix}2`, Buffer.from('generation two'))
    const hit = await lookup(main, prefix)
    expect(hit.body).toMatchObject({ ok: true, matched_key: `${prefix}2` })
    expect((await lookup(main, `${prefix}1`)).body.matched_key).toBe(`${prefix}1`)
    const download = await fetch(hit.body.signed_download_url as string)
    expect(download.status).toBe(200)
    expect(download.headers.get('x-ms-blob-type')).toBe('BlockBlob')
    expect(download.headers.get('x-ms-request-id')).toMatch(/\S/)
    expect(await download.text()).toBe('generation two')
    expect(svc.readScopes()).toEqual(['api'])
    expect(svc.writtenScopes()).toEqual(['api'])
  })

  it('matches restore keys as prefixes after the key, and requires version equality', async () => {
    await save(main, 'buildkit-blob-1-sha256:v', Buffer.from('v'), 1)
    expect((await lookup(main, 'buildkit-blob-1-sha256:v', [], 'other-version')).body.ok).toBe(false)
    expect((await lookup(main, 'nothing-here', ['buildkit-blob-1-sha256:'])).body).toMatchObject({
      ok: true,
      matched_key: 'buildkit-blob-1-sha256:v'
    })
  })

  it('answers 409 already_exists for a key that exists', async () => {
    await save(main, 'buildkit-blob-1-sha256:dup', Buffer.from('a'), 1)
    const again = await twirp(main, 'CreateCacheEntry', { key: 'buildkit-blob-1-sha256:dup', version: V })
    expect(again).toMatchObject({ status: 409, body: { code: 'already_exists' } })
  })

  it('takes a single Put Blob, checks the finalized size, and serves ranges (x-ms-range and Range)', async () => {
    const key = 'buildkit-blob-1-sha256:single'
    const created = await twirp(main, 'CreateCacheEntry', { key, version: V })
    const put = await fetch(created.body.signed_upload_url as string, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'helloworld'
    })
    expect(put.status).toBe(201)
    const wrong = await twirp(main, 'FinalizeCacheEntryUpload', { key, size_bytes: '11', version: V })
    expect(wrong.status).toBe(400)
    expect(
      (await twirp(main, 'FinalizeCacheEntryUpload', { key, size_bytes: '10', version: V })).body
    ).toMatchObject({ ok: true })
    const url = (await lookup(main, key)).body.signed_download_url as string
    const ranged = await fetch(url, { headers: { 'x-ms-range': 'bytes=5-' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe('bytes 5-9/10')
    expect(await ranged.text()).toBe('world')
    expect(await (await fetch(url, { headers: { Range: 'bytes=0-4' } })).text()).toBe('hello')
  })

  it('keeps an unfinalized entry invisible, and refuses a URL whose signature was changed', async () => {
    const created = await twirp(main, 'CreateCacheEntry', {
      key: 'buildkit-blob-1-sha256:pending',
      version: V
    })
    expect(created.status).toBe(200)
    expect((await lookup(main, 'buildkit-blob-1-sha256:pending')).body.ok).toBe(false)
    const forged = new URL(created.body.signed_upload_url as string)
    forged.searchParams.set('sig', 'forged')
    expect((await fetch(forged, { method: 'PUT', body: 'x' })).status).toBe(403)
  })
})

describe('ref scopes', () => {
  it('writes to the last writable ref and reads every readable ref in token order', async () => {
    const main = mintToken([`${MAIN}:rw`])
    const feature = mintToken([`${MAIN}:r`, `${FEATURE}:rw`])
    const mainKey = `index-web-1-${refHash(MAIN)}#`
    const featureKey = `index-web-1-${refHash(FEATURE)}#`
    await save(main, `${mainKey}1`, Buffer.from('main index'))

    // The importer asks for one index key per ref; the feature token misses its own and hits main's.
    const mark = svc.mark()
    expect((await lookup(feature, featureKey)).body.ok).toBe(false)
    expect((await lookup(feature, mainKey)).body.matched_key).toBe(`${mainKey}1`)

    await save(feature, `${featureKey}1`, Buffer.from('feature index'))
    expect(svc.entries.find(e => e.key === `${featureKey}1`)?.scope).toBe(FEATURE)
    // The main token cannot see the feature branch's entry.
    expect((await lookup(main, featureKey)).body.ok).toBe(false)
    expect(svc.readScopes(mark)).toEqual(['web'])
    expect(svc.writtenScopes(mark)).toEqual(['web'])
  })

  it('refuses writes from a read-only token and records the attempt', async () => {
    const pr = mintToken(['refs/pull/7/merge:r', `${MAIN}:r`])
    const mark = svc.mark()
    const r = await twirp(pr, 'CreateCacheEntry', { key: 'index-pr-1-00000000#1', version: V })
    expect(r).toMatchObject({ status: 403, body: { code: 'permission_denied' } })
    expect(svc.writeAttempts(mark)).toHaveLength(1)
    expect(svc.writtenScopes(mark)).toEqual([])
  })
})
