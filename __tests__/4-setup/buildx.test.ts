// The buildx version check and the engine check of the docker driver, from captured outputs
// (__tests__/fixtures/buildx/README.md says where each came from).
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { assertSupported, MIN_BUILDX, olderThan, parseBuildxVersion } from '../../src/4-setup/buildx.js'
import {
  checkEngine,
  engineMajor,
  socketInfo,
  usesContainerdStore,
  type EngineInfo
} from '../../src/4-setup/engine.js'

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '../fixtures/buildx', name), 'utf8')
const info = (name: string) => JSON.parse(fixture(name)) as EngineInfo

describe('buildx version', () => {
  it.each([
    ['version-debian-forky.txt', '0.29.1'],
    ['version-debian-trixie.txt', '0.13.1'],
    ['version-upstream-docs.txt', '0.5.1']
  ])('reads %s', (file, version) => {
    expect(parseBuildxVersion(fixture(file))).toEqual({ version, dev: false })
  })

  it.each([
    ['github.com/docker/buildx v0.21.0-rc1 1234567890abcdef', '0.21.0'],
    ['github.com/docker/buildx v0.29.1-desktop.1 0123456789abcdef0123456789abcdef01234567', '0.29.1']
  ])('reads pre-release and vendor suffixes: %j', (out, version) => {
    expect(parseBuildxVersion(out).version).toBe(version)
  })

  it('reads a development build as its commit', () => {
    expect(
      parseBuildxVersion('github.com/docker/buildx f117971 f11797113e5a9b86bd976329c5dbb8a8bfdfadfa')
    ).toEqual({ version: 'f117971', dev: true })
  })

  it('says when it cannot read one', () => {
    expect(() => parseBuildxVersion("docker: 'buildx' is not a docker command.")).toThrow(
      /Cannot read the buildx version/
    )
  })

  it('compares on major.minor.patch', () => {
    expect(olderThan('0.13.1', '0.21.0')).toBe(true)
    expect(olderThan('0.20.9', '0.21.0')).toBe(true)
    expect(olderThan('0.21.0', '0.21.0')).toBe(false)
    expect(olderThan('0.29.1', '0.21.0')).toBe(false)
    expect(olderThan('1.0.0', '0.21.0')).toBe(false)
  })

  it('supports the test engine’s buildx and refuses trixie’s 0.13.1, saying what to install', () => {
    expect(MIN_BUILDX).toBe('0.21.0')
    expect(() => assertSupported(parseBuildxVersion(fixture('version-debian-forky.txt')))).not.toThrow()
    expect(() => assertSupported(parseBuildxVersion(fixture('version-debian-trixie.txt')))).toThrow(
      /Buildx 0\.13\.1 is not supported: this action needs buildx >= 0\.21\.0 .*Install buildx 0\.21\.0 or newer: docker\/setup-buildx-action/
    )
    expect(() => assertSupported({ version: '0.21.0', dev: false })).not.toThrow()
    expect(() => assertSupported({ version: 'f117971', dev: true })).not.toThrow()
  })
})

describe('engine of the docker driver', () => {
  it('reads the containerd image store and the engine version from the test engine', () => {
    const engine = info('docker-info-containerd-store.json')
    expect(usesContainerdStore(engine)).toBe(true)
    expect(engineMajor(engine)).toBe(28)
    expect(() => checkEngine(engine, { ghaCache: true })).not.toThrow()
  })

  it('fails early without the containerd store, naming the daemon setting', () => {
    const engine = info('docker-info-overlay2.json')
    expect(usesContainerdStore(engine)).toBe(false)
    expect(() => checkEngine(engine, { ghaCache: false })).toThrow(
      /driver: docker needs Docker's containerd image store.*storage driver overlay2.*"containerd-snapshotter": true/
    )
    expect(usesContainerdStore({ ...engine, DriverStatus: null })).toBe(false)
  })

  it('asks a local engine on its socket (GET /info), and says when the answer is not one', async () => {
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'engine-')), 'docker.sock')
    const paths: string[] = []
    let status = 200
    const server = http.createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(status === 200 ? fixture('docker-info-containerd-store.json') : '{"message":"nope"}')
    })
    await new Promise<void>(resolve => server.listen(socket, resolve))
    try {
      const engine = await socketInfo(socket)
      expect(usesContainerdStore(engine)).toBe(true)
      expect(engineMajor(engine)).toBe(28)
      expect(paths).toEqual(['GET /info'])
      status = 500
      await expect(socketInfo(socket)).rejects.toThrow('GET /info: 500')
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
    await expect(socketInfo(path.join(path.dirname(socket), 'none.sock'))).rejects.toThrow(/ENOENT/)
  })
})
