// Retries for registry operations (login, push, tag, inspect): only transient failures (HTTP 5xx, 429,
// connection resets, timeouts) are retried, with exponential back-off, at least as long as a Retry-After
// asks, and a bounded total time. Every retry is logged as a warning so a flaky registry is visible.
import * as core from '@actions/core'
import pRetry from 'p-retry'
import { ExecError } from './exec.js'

/** An error from an HTTP call, carrying what the retry policy needs. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export interface RetryOptions {
  /** Attempts after the first. */
  retries?: number
  /** First back-off delay. */
  minTimeoutMs?: number
  /** Longest single back-off delay. */
  maxTimeoutMs?: number
  /** Upper bound on the time spent retrying, all attempts included. */
  maxRetryTimeMs?: number
}

const DEFAULTS: Required<RetryOptions> = {
  retries: 5,
  minTimeoutMs: 1_000,
  maxTimeoutMs: 20_000,
  maxRetryTimeMs: 120_000
}

// What docker, buildx and BuildKit print when a registry answers 5xx/429 or a connection breaks mid-way.
const TRANSIENT_OUTPUT = [
  /\b50[0234]\b/,
  /\b429\b/,
  /too many requests/i,
  /internal server error/i,
  /bad gateway/i,
  /service unavailable/i,
  /gateway time-?out/i,
  /connection reset by peer/i,
  /broken pipe/i,
  /unexpected EOF/i,
  /i\/o timeout/i,
  /TLS handshake timeout/i
]

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

/** True for failures worth another attempt; false for ones a retry cannot fix (auth, not found, refused). */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpError) return error.status === 429 || error.status >= 500
  if (error instanceof ExecError) {
    const text = `${error.result.stderr}\n${error.result.stdout}`
    if (/unauthorized|authentication required|denied|not found|manifest unknown/i.test(text)) return false
    return TRANSIENT_OUTPUT.some(re => re.test(text))
  }
  const code = (error as { code?: string; cause?: { code?: string } } | undefined)?.code
  const causeCode = (error as { cause?: { code?: string } } | undefined)?.cause?.code
  return TRANSIENT_CODES.has(code ?? '') || TRANSIENT_CODES.has(causeCode ?? '')
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds, if present and sane. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Runs `fn`, retrying transient failures. `what` names the operation in the log ("push of api"). */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  options: RetryOptions = {}
): Promise<T> {
  const o = { ...DEFAULTS, ...options }
  const started = Date.now()
  return pRetry(fn, {
    retries: o.retries,
    minTimeout: o.minTimeoutMs,
    maxTimeout: o.maxTimeoutMs,
    maxRetryTime: o.maxRetryTimeMs,
    randomize: true,
    shouldRetry: ({ error }) => isTransient(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (!isTransient(error) || retriesLeft === 0) return
      core.warning(`${what}: attempt ${attemptNumber} failed (${error.message.split('\n')[0]}); retrying`)
      const retryAfter = error instanceof HttpError ? error.retryAfterMs : undefined
      if (retryAfter !== undefined) {
        // Honour Retry-After, but never past the total budget.
        const budget = o.maxRetryTimeMs - (Date.now() - started)
        await sleep(Math.max(0, Math.min(retryAfter, budget)))
      }
    }
  })
}
