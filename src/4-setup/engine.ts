// The Docker engine behind the `docker` driver, checked before its builder is used: the engine's own BuildKit
// can build multi-platform images and keep their attestations only with the containerd image store, and it
// speaks the gha cache service v2 only from Docker Engine 28 (BuildKit 0.20). Without the store bake would fail
// half-way with "Multi-platform build is not supported for the docker driver"; this says what to change first.
import * as core from '@actions/core'
import http from 'node:http'
import { run } from '../lib/exec.js'

/** The fields of `docker info` this module reads (the command asks for exactly these). */
export interface EngineInfo {
  ServerVersion: string
  Driver: string
  DriverStatus: [string, string][] | null
}

export const INFO_FORMAT =
  '{"ServerVersion":{{json .ServerVersion}},"Driver":{{json .Driver}},"DriverStatus":{{json .DriverStatus}}}'

/** True when the engine stores images in containerd (`driver-type io.containerd.snapshotter.v1`). */
export function usesContainerdStore(info: EngineInfo): boolean {
  return (info.DriverStatus ?? []).some(
    ([key, value]) => key === 'driver-type' && value.startsWith('io.containerd.snapshotter')
  )
}

/** Major version of the engine (`28.5.2+dfsg4` → 28); undefined when it cannot be read. */
export function engineMajor(info: EngineInfo): number | undefined {
  const m = /^(\d+)\./.exec(info.ServerVersion ?? '')
  return m ? Number(m[1]) : undefined
}

export const CONTAINERD_STORE_HINT =
  'Enable it in the daemon settings: /etc/docker/daemon.json {"features": {"containerd-snapshotter": true}} ' +
  '(Docker Desktop: Settings > General > "Use containerd for pulling and storing images"), then restart ' +
  'Docker; or use driver: docker-container.'

/**
 * Checks the engine for the `docker` driver: the containerd image store is required (throws naming the daemon
 * setting); with the gha cache, an engine older than 28 gets a warning (its BuildKit has no cache v2 client).
 */
export function checkEngine(info: EngineInfo, o: { ghaCache: boolean }): void {
  if (!usesContainerdStore(info)) {
    throw new Error(
      `driver: docker needs Docker's containerd image store, and this engine (${info.ServerVersion}, storage ` +
        `driver ${info.Driver}) does not use it: without it the engine's builder can neither build ` +
        `multi-platform images nor keep their attestations. ${CONTAINERD_STORE_HINT}`
    )
  }
  const major = engineMajor(info)
  if (o.ghaCache && major !== undefined && major < 28) {
    core.warning(
      `Docker Engine ${info.ServerVersion} builds with a BuildKit older than 0.20, which cannot use GitHub's ` +
        'cache service v2: the gha cache will not be read or written. Use driver: docker-container, or Engine 28+.'
    )
  }
}

/** `docker info` (only the fields above). */
export async function engineInfo(): Promise<EngineInfo> {
  const r = await run('docker', ['info', '--format', INFO_FORMAT], { silent: true })
  return JSON.parse(r.stdout) as EngineInfo
}

/** GET /info of the Engine API on a unix socket; rejects on any failure (no answer, a status other than 200). */
export function socketInfo(socketPath: string, timeoutMs = 10_000): Promise<EngineInfo> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/info', timeout: timeoutMs, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET /info: ${res.statusCode}`))
        try {
          const info = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EngineInfo
          if (typeof info?.ServerVersion !== 'string') throw new Error('GET /info: no ServerVersion')
          resolve(info)
        } catch (e) {
          reject(e as Error)
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`GET /info: no answer in ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}

/**
 * The engine on this host's socket, asked directly: `docker info` also starts every CLI plugin for the client
 * half of its answer (~200 ms more here, with the daemon's own part at 60-100 ms). Whatever goes wrong there is
 * left to `docker info`, which then says it in docker's words.
 */
export async function localEngineInfo(socketPath: string): Promise<EngineInfo> {
  const started = Date.now()
  try {
    const info = await socketInfo(socketPath)
    core.debug(`GET /info on ${socketPath}: ${Date.now() - started} ms`)
    return info
  } catch (e) {
    core.debug(`GET /info on ${socketPath} failed (${(e as Error).message}); asking docker info`)
    return engineInfo()
  }
}
