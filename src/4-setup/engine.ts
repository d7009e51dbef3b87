// The Docker engine behind the `docker` driver, checked before its builder is used: the engine's own BuildKit
// can build multi-platform images and keep their attestations only with the containerd image store, and it
// speaks the gha cache service v2 only from Docker Engine 28 (BuildKit 0.20). Without the store bake would fail
// half-way with "Multi-platform build is not supported for the docker driver"; this says what to change first.
import * as core from '@actions/core'
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
