// Response bodies from a registry, read with bounds: a manifest, a token response or a tag page larger than its
// bound is refused (a hostile or broken registry cannot make the action buffer without end), and an error body is
// cut to its first bytes. Reads that fail (timeouts) get the caller's error shape through wrapBody.

/** Upper bounds on what is read from a registry, in bytes. */
export const LIMITS = {
  /** distribution's own limit on a manifest body (4 MiB). */
  manifest: 4 * 1024 * 1024,
  token: 1024 * 1024,
  /** One page of a tag list (10,000 tags are ~200 KiB). */
  tagPage: 16 * 1024 * 1024,
  /** Error bodies: enough for the registry's message. */
  error: 16 * 1024
}

/** Statuses that redirect (followed by hand in transport.ts). */
export const REDIRECTS = new Set([301, 302, 303, 307, 308])

const mib = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`)

/** The body of a response, refused past `limit` bytes (Content-Length first, then while reading). */
export async function readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
  const tooLarge = () => new Error(`${what}: the response is larger than ${mib(limit)}; refusing to read it`)
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  if (!res.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(Buffer.from(value))
  }
  return Buffer.concat(chunks)
}

/** At most the first `limit` bytes of a body (an error message), the rest left unread. */
export async function readPrefix(res: Response, limit: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  const reader = res.body.getReader()
  while (size < limit) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks)
    chunks.push(Buffer.from(value))
    size += value.byteLength
  }
  await reader.cancel().catch(() => undefined)
  return Buffer.concat(chunks).subarray(0, limit)
}

/** A response whose body stream turns read failures into `map(e)`. */
export function wrapBody(res: Response, map: (e: unknown) => Error): Response {
  // Statuses that cannot carry a body (and redirects, whose body is only ever cancelled) stay as they are.
  if (!res.body || res.status < 200 || [204, 205, 304].includes(res.status) || REDIRECTS.has(res.status))
    return res
  const reader = res.body.getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (e) {
        controller.error(map(e))
      }
    },
    cancel: reason => reader.cancel(reason)
  })
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
}
