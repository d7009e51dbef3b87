import { describe, expect, it } from '@jest/globals'
import { ExecError } from '../../src/lib/exec.js'
import { HttpError, isTransient, parseRetryAfter, withRetry } from '../../src/lib/retry.js'

const execError = (stderr: string) => new ExecError('docker push', { exitCode: 1, stdout: '', stderr })

describe('isTransient', () => {
  it.each([
    [new HttpError('x', 503), true],
    [new HttpError('x', 429), true],
    [new HttpError('x', 404), false],
    [new HttpError('x', 401), false],
    [execError('failed commit on ref: unexpected status from PUT request: 500 Internal Server Error'), true],
    [execError('read tcp 127.0.0.1:1->127.0.0.1:5000: read: connection reset by peer'), true],
    [execError('unexpected status from HEAD request to http://x/v2/: 503 Service Unavailable'), true],
    [execError('error: 401 Unauthorized'), false],
    [
      execError(
        'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1'
      ),
      false
    ],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false]
  ])('%p -> %p', (error, expected) => {
    expect(isTransient(error)).toBe(expected)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})

describe('withRetry', () => {
  it('retries transient failures and returns the first success', async () => {
    let calls = 0
    const result = await withRetry(
      'inspect',
      async () => {
        calls++
        if (calls < 3) throw new HttpError('503 Service Unavailable', 503)
        return 'ok'
      },
      { minTimeoutMs: 1, maxTimeoutMs: 2 }
    )
    expect(result).toBe('ok')
    expect(calls).toBe(3)
  })

  it('does not retry permanent failures', async () => {
    let calls = 0
    await expect(
      withRetry('login', async () => {
        calls++
        throw new HttpError('401 Unauthorized', 401)
      })
    ).rejects.toThrow('401 Unauthorized')
    expect(calls).toBe(1)
  })

  it('waits at least as long as Retry-After asks', async () => {
    let calls = 0
    const started = Date.now()
    await withRetry(
      'tag',
      async () => {
        if (calls++ === 0) throw new HttpError('429 Too Many Requests', 429, 300)
      },
      { minTimeoutMs: 1, maxTimeoutMs: 2 }
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('gives up after the retry budget', async () => {
    let calls = 0
    await expect(
      withRetry(
        'push',
        async () => {
          calls++
          throw new HttpError('502 Bad Gateway', 502)
        },
        { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 }
      )
    ).rejects.toThrow('502')
    expect(calls).toBe(3)
  })
})
