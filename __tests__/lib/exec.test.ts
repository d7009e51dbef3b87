import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { childEnv, ExecError, lastMeaningfulLine, run } from '../../src/lib/exec.js'

describe('exec wrapper', () => {
  it('passes arguments as data, never through a shell', async () => {
    const hostile = '$(touch /tmp/pwned); `id` && echo "x" | cat; rm -rf ~'
    const r = await run('printf', ['%s', hostile], { silent: true })
    expect(r.stdout).toBe(hostile)
  })

  it('feeds standard input', async () => {
    const r = await run('cat', [], { input: 'secret-on-stdin', silent: true })
    expect(r.stdout).toBe('secret-on-stdin')
  })

  it('turns a failure into an error carrying the last stderr line', async () => {
    await expect(
      run('sh', ['-c', 'echo first >&2; echo "the reason" >&2; exit 3'], { silent: true })
    ).rejects.toThrow(/exit code 3: the reason/)
    await expect(run('false', [], { silent: true })).rejects.toBeInstanceOf(ExecError)
  })

  it('returns the result when asked to ignore the exit code', async () => {
    const r = await run('sh', ['-c', 'echo out; exit 4'], { silent: true, ignoreReturnCode: true })
    expect(r).toEqual({ exitCode: 4, stdout: 'out\n', stderr: '' })
  })

  it('runs `docker buildx …` on the plugin the docker CLI would run, as a plugin; errors keep the docker name', async () => {
    const config = mkdtempSync(path.join(tmpdir(), 'exec-docker-config-'))
    mkdirSync(path.join(config, 'cli-plugins'))
    const plugin = path.join(config, 'cli-plugins', 'docker-buildx')
    writeFileSync(
      plugin,
      '#!/bin/sh\nprintf "%s|" "$@" "$DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"\nexit "${EXIT:-0}"\n'
    )
    chmodSync(plugin, 0o755)
    const r = await run('docker', ['buildx', 'bake', '--print', '--', 'api'], {
      env: { DOCKER_CONFIG: config },
      silent: true
    })
    expect(r.stdout).toBe('buildx|bake|--print|--|api|docker|')
    await expect(
      run('docker', ['buildx', 'version'], { env: { DOCKER_CONFIG: config, EXIT: '3' }, silent: true })
    ).rejects.toThrow(/^docker buildx version failed with exit code 3/)
  })

  it.each([
    ['a\n\n  b  \n\n', 'b'],
    ['', '(no output)']
  ])('lastMeaningfulLine(%j) = %j', (text, line) => {
    expect(lastMeaningfulLine(text)).toBe(line)
  })
})

describe('child-process environment', () => {
  // Set on this process as the runner sets them: every input as INPUT_*, tokens some workflows export.
  const planted: Record<string, string> = {
    INPUT_PASSWORD: 'input-password-value',
    'INPUT_GITHUB-TOKEN': 'input-token-value',
    GITHUB_TOKEN: 'exported-token-value',
    DOCKER_PASSWORD: 'docker-password-value',
    DOCKER_AUTH_CONFIG: '{"auths":{}}',
    NPM_TOKEN: 'npm-token-value',
    UNRELATED_SETTING: 'x',
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    BUILDX_BUILDER: 'somebuilder',
    BUILDKIT_PROGRESS: 'plain',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token',
    ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/',
    HTTPS_PROXY: 'http://proxy.invalid:3128',
    GITHUB_SHA: 'abc'
  }
  const saved: Record<string, string | undefined> = {}
  beforeAll(() => {
    for (const [k, v] of Object.entries(planted)) {
      saved[k] = process.env[k]
      process.env[k] = v
    }
  })
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })

  /** The environment a real child process sees. */
  const seen = async (env?: Record<string, string>) =>
    JSON.parse(
      (await run('node', ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { silent: true, env }))
        .stdout
    ) as Record<string, string>

  it('never passes INPUT_* or credential-named variables; passes what docker, buildx and the cache need', async () => {
    const env = await seen()
    for (const name of [
      'INPUT_PASSWORD',
      'INPUT_GITHUB-TOKEN',
      'GITHUB_TOKEN',
      'DOCKER_PASSWORD',
      'DOCKER_AUTH_CONFIG',
      'NPM_TOKEN',
      'UNRELATED_SETTING'
    ])
      expect(env[name]).toBeUndefined()
    expect(JSON.stringify(env)).not.toMatch(/input-password-value|input-token-value|exported-token-value/)
    for (const name of [
      'PATH',
      'HOME',
      'DOCKER_HOST',
      'BUILDX_BUILDER',
      'BUILDKIT_PROGRESS',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_RESULTS_URL',
      'HTTPS_PROXY',
      'GITHUB_SHA'
    ])
      expect(env[name]).toBe(process.env[name])
  })

  it('adds what the call passes explicitly, over the allow-listed values', async () => {
    const env = await seen({ REGISTRY: 'localhost:5000', BUILDKIT_PROGRESS: 'rawjson' })
    expect(env.REGISTRY).toBe('localhost:5000')
    expect(env.BUILDKIT_PROGRESS).toBe('rawjson')
    expect(env.INPUT_PASSWORD).toBeUndefined()
  })
})

describe('childEnv', () => {
  it('is the same rule without a process', () => {
    expect(
      childEnv(
        { VERSION: '1' },
        { PATH: '/bin', INPUT_X: 'y', input_lower: 'z', DOCKER_CONFIG: '/c', FOO: 'f' }
      )
    ).toEqual({
      PATH: '/bin',
      DOCKER_CONFIG: '/c',
      VERSION: '1'
    })
  })
})
