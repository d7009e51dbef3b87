// What the docker CLI would do, read from its configuration: which buildx plugin it runs, whether the context is
// surely `default`, whether the engine's socket is local. Each case is a config directory of its own.
import { describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  buildxCommand,
  findBuildxPlugin,
  localSocket,
  pluginDirs,
  readCliSettings,
  REEXEC_ENV,
  surelyDefaultContext,
  SYSTEM_PLUGIN_DIRS
} from '../../src/lib/docker-cli.js'

const configDir = (config?: unknown) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docker-cli-'))
  if (config !== undefined)
    writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config))
  return dir
}
const plugin = (dir: string, mode = 0o755) => {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'docker-buildx')
  writeFileSync(file, '#!/bin/sh\n')
  chmodSync(file, mode)
  return file
}

describe('the buildx plugin the docker CLI would run', () => {
  it('looks in cliPluginsExtraDirs, then <config dir>/cli-plugins, then the system directories', () => {
    const extra = mkdtempSync(path.join(tmpdir(), 'extra-'))
    const dir = configDir({ cliPluginsExtraDirs: [extra] })
    expect(pluginDirs(dir)).toEqual([extra, path.join(dir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS])
    const own = plugin(path.join(dir, 'cli-plugins'))
    expect(findBuildxPlugin({ DOCKER_CONFIG: dir }, 'linux')).toBe(own)
    const first = plugin(extra)
    expect(findBuildxPlugin({ DOCKER_CONFIG: dir }, 'linux')).toBe(first)
  })

  it('uses ~/.docker without DOCKER_CONFIG, and the defaults without a config.json', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'home-'))
    const own = plugin(path.join(home, '.docker', 'cli-plugins'))
    expect(findBuildxPlugin({ HOME: home }, 'linux')).toBe(own)
    expect(readCliSettings(path.join(home, '.docker'))).toEqual({})
  })

  it('leaves the call to docker when the first candidate is no executable file, or config.json is unreadable', () => {
    const notExecutable = configDir({})
    plugin(path.join(notExecutable, 'cli-plugins'), 0o644)
    expect(findBuildxPlugin({ DOCKER_CONFIG: notExecutable }, 'linux')).toBeUndefined()
    const directory = configDir({})
    mkdirSync(path.join(directory, 'cli-plugins', 'docker-buildx'), { recursive: true })
    expect(findBuildxPlugin({ DOCKER_CONFIG: directory }, 'linux')).toBeUndefined()
    for (const config of ['{not json', { cliPluginsExtraDirs: 'not a list' }, { currentContext: 3 }]) {
      const broken = configDir(config)
      plugin(path.join(broken, 'cli-plugins'))
      expect(findBuildxPlugin({ DOCKER_CONFIG: broken }, 'linux')).toBeUndefined()
    }
  })

  it('leaves the call to docker on other systems (other directories, .exe names)', () => {
    const dir = configDir({})
    plugin(path.join(dir, 'cli-plugins'))
    expect(findBuildxPlugin({ DOCKER_CONFIG: dir }, 'darwin')).toBeUndefined()
    expect(findBuildxPlugin({ DOCKER_CONFIG: dir }, 'win32')).toBeUndefined()
  })

  it('runs the plugin as the CLI does: `buildx ARGS`, with the variable that makes it a plugin', () => {
    const dir = configDir({})
    const file = plugin(path.join(dir, 'cli-plugins'))
    expect(buildxCommand(['buildx', 'version'], { DOCKER_CONFIG: dir, PATH: '/bin' })).toEqual({
      tool: file,
      args: ['buildx', 'version'],
      env: { DOCKER_CONFIG: dir, PATH: '/bin', [REEXEC_ENV]: 'docker' }
    })
  })
})

describe('the current context and the engine socket', () => {
  it('is surely default only when neither DOCKER_CONTEXT nor config.json names another', () => {
    const none = configDir()
    expect(surelyDefaultContext({ DOCKER_CONFIG: none })).toBe(true)
    expect(surelyDefaultContext({ DOCKER_CONFIG: none, DOCKER_CONTEXT: 'default' })).toBe(true)
    expect(surelyDefaultContext({ DOCKER_CONFIG: none, DOCKER_CONTEXT: 'remote' })).toBe(false)
    expect(surelyDefaultContext({ DOCKER_CONFIG: configDir({ currentContext: 'default' }) })).toBe(true)
    expect(surelyDefaultContext({ DOCKER_CONFIG: configDir({ currentContext: 'desktop-linux' }) })).toBe(
      false
    )
    expect(surelyDefaultContext({ DOCKER_CONFIG: configDir('{not json') })).toBe(false)
  })

  it('is local on the default socket or a unix:// DOCKER_HOST, not on tcp:// or ssh://', () => {
    expect(localSocket({})).toBe('/var/run/docker.sock')
    expect(localSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe(
      '/run/user/1000/docker.sock'
    )
    expect(localSocket({ DOCKER_HOST: 'tcp://10.0.0.2:2376' })).toBeUndefined()
    expect(localSocket({ DOCKER_HOST: 'ssh://builder@arm-host' })).toBeUndefined()
  })
})
