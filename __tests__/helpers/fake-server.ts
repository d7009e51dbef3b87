// A tiny programmable HTTP server on 127.0.0.1 for the registry client's unit tests: each test gives it a handler,
// and it records every request (method, path, Authorization header, body size). Two of them are two origins.
// Protocol behaviour is checked against the real registries in the e2e suite; these fakes stand in only for
// what a real registry will not do on demand (answer from another origin, redirect a PUT, never answer).
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Seen {
  method: string
  path: string
  authorization?: string
  body: Buffer
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void

export interface FakeServer {
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** `127.0.0.1:PORT`, the registry as users write it. */
  host: string
  seen: Seen[]
  handle(handler: Handler): void
  close(): Promise<void>
}

export async function fakeServer(): Promise<FakeServer> {
  let handler: Handler = (_req, res) => {
    res.writeHead(404)
    res.end()
  }
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c as Buffer))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body
      })
      handler(req, res, body)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    handle: h => {
      handler = h
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Sends JSON with the headers a registry sends. */
export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {}
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
