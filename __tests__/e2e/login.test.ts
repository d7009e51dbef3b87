// Registry login against the htpasswd registry on localhost:5001 (credentials from .e2e/env, written by
// scripts/e2e-env.sh): the right password pushes; a wrong one fails clearly; the password never shows up in
// anything the step leaves behind (stdout, stderr, summary, state, outputs, env file), and post logs out.
// Without a password input, the credentials an earlier step left in the docker config: a real `docker login`,
// and a credential helper on PATH (credHelpers); both push, list tags, tag and verify. A helper that fails or is
// missing stops the step before anything is built, naming the helper. Each scenario has a DOCKER_CONFIG of its
// own, so the machine's ~/.docker is never touched.
import { describe, expect, it } from '@jest/globals'
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  annotations,
  docker,
  REPO_ROOT,
  publish,
  pushContext,
  registryTags,
  uniqueName,
  visibleText,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

async function loginScenario(label: string, password: string) {
  const prefix = uniqueName(`e2e-${label}`)
  // A docker config of its own, so the test can see what login left behind after post.
  const dockerConfig = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
  const result = await publish({
    workspace: await workspaceFrom('basic'),
    context: pushContext('refs/heads/main'),
    api: e2e.api,
    env: { DOCKER_CONFIG: dockerConfig },
    inputs: {
      registry: e2e.env.E2E_AUTH_REGISTRY,
      'image-prefix': prefix,
      targets: 'api',
      platforms: 'linux/amd64',
      username: e2e.env.E2E_AUTH_USER,
      password
    }
  })
  const image = `${e2e.env.E2E_AUTH_REGISTRY}/${prefix}/api`
  const auth = { user: e2e.env.E2E_AUTH_USER, password: e2e.env.E2E_AUTH_PASSWORD }
  return { result, image, auth, dockerConfig }
}

async function configAuths(dockerConfig: string): Promise<Record<string, unknown>> {
  try {
    const json = JSON.parse(await readFile(path.join(dockerConfig, 'config.json'), 'utf8'))
    return json.auths ?? {}
  } catch {
    return {}
  }
}

describe('login to a registry with htpasswd auth', () => {
  it('works with the right password; the password appears nowhere; post logs out', async () => {
    const s = await loginScenario('login-ok', e2e.env.E2E_AUTH_PASSWORD)
    if (s.result.main.exitCode !== 0) console.log(s.result.main.stdout, s.result.main.stderr)
    expect(s.result.main.exitCode).toBe(0)
    expect(s.result.main.outputs.pushed).toBe('true')
    expect(await registryTags(s.image, { auth: s.auth })).toContain('main')
    expect(visibleText(s.result)).not.toContain(e2e.env.E2E_AUTH_PASSWORD)
    expect(s.result.post?.exitCode).toBe(0)
    expect(Object.keys(await configAuths(s.dockerConfig))).not.toContain(e2e.env.E2E_AUTH_REGISTRY)
  })

  it('fails clearly with a wrong password, pushes nothing, and never prints it', async () => {
    const wrong = `wrong-${uniqueName('pw')}-Secret`
    const s = await loginScenario('login-bad', wrong)
    expect(s.result.main.exitCode).not.toBe(0)
    const errors = annotations(s.result, 'error').join('\n')
    expect(errors).toMatch(/login/i)
    expect(errors).toContain(e2e.env.E2E_AUTH_REGISTRY)
    expect(errors).toMatch(/unauthorized|denied|incorrect|401/i)
    expect(await registryTags(s.image, { auth: s.auth })).toEqual([])
    const text = visibleText(s.result)
    expect(text).not.toContain(wrong)
    expect(text).not.toContain(e2e.env.E2E_AUTH_PASSWORD)
    expect(s.result.main.outputs.pushed ?? 'false').toBe('false')
  })
})

/** Publishes to the htpasswd registry with no username or password input, with this DOCKER_CONFIG and env. */
async function withoutPassword(label: string, dockerConfig: string, extraEnv: Record<string, string> = {}) {
  const prefix = uniqueName(`e2e-${label}`)
  const result = await publish({
    workspace: await workspaceFrom('basic'),
    context: pushContext('refs/heads/main'),
    api: e2e.api,
    env: { DOCKER_CONFIG: dockerConfig, ...extraEnv },
    inputs: {
      registry: e2e.env.E2E_AUTH_REGISTRY,
      'image-prefix': prefix,
      targets: 'api',
      platforms: 'linux/amd64'
    }
  })
  return { result, image: `${e2e.env.E2E_AUTH_REGISTRY}/${prefix}/api` }
}

/** A directory holding the test credential helper and the store it answers from. */
async function helperOnPath(store: Record<string, { Username: string; Secret: string }>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-helper-'))
  await copyFile(
    path.join(REPO_ROOT, '__tests__/fixtures/credential-helper/docker-credential-e2e'),
    path.join(dir, 'docker-credential-e2e')
  )
  await writeFile(path.join(dir, 'store.json'), JSON.stringify(store))
  return { dir, PATH: `${dir}${path.delimiter}${process.env.PATH}` }
}

async function configWith(config: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config))
  return dir
}

function expectPublished(result: Awaited<ReturnType<typeof withoutPassword>>['result']) {
  if (result.main.exitCode !== 0) console.log(result.main.stdout, result.main.stderr)
  expect(result.main.exitCode).toBe(0)
  expect(result.main.outputs.pushed).toBe('true')
}

describe('credentials from the docker config (no password input)', () => {
  it('an earlier `docker login`: pushes, lists tags, tags and verifies; the login is left in place', async () => {
    const dockerConfig = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
    await docker(
      ['login', '--username', e2e.env.E2E_AUTH_USER, '--password-stdin', e2e.env.E2E_AUTH_REGISTRY],
      {
        env: { DOCKER_CONFIG: dockerConfig },
        input: e2e.env.E2E_AUTH_PASSWORD
      }
    )
    const { result, image } = await withoutPassword('cfg-login', dockerConfig)
    expectPublished(result)
    const auth = { user: e2e.env.E2E_AUTH_USER, password: e2e.env.E2E_AUTH_PASSWORD }
    expect(await registryTags(image, { auth })).toEqual(expect.arrayContaining(['main']))
    expect(result.main.stdout).toMatch(
      /localhost:5001: credentials of e2e-user from the auths of .*config.json/
    )
    expect(visibleText(result)).not.toContain(e2e.env.E2E_AUTH_PASSWORD)
    // The action did not log in, so its post step leaves the user's login alone.
    expect(Object.keys(await configAuths(dockerConfig))).toContain(e2e.env.E2E_AUTH_REGISTRY)
  })

  it('a credential helper on PATH (credHelpers): pushes, lists tags, tags and verifies', async () => {
    const helper = await helperOnPath({
      [e2e.env.E2E_AUTH_REGISTRY]: { Username: e2e.env.E2E_AUTH_USER, Secret: e2e.env.E2E_AUTH_PASSWORD }
    })
    const dockerConfig = await configWith({ credHelpers: { [e2e.env.E2E_AUTH_REGISTRY]: 'e2e' } })
    const { result, image } = await withoutPassword('cfg-helper', dockerConfig, { PATH: helper.PATH })
    expectPublished(result)
    const auth = { user: e2e.env.E2E_AUTH_USER, password: e2e.env.E2E_AUTH_PASSWORD }
    expect(await registryTags(image, { auth })).toEqual(expect.arrayContaining(['main']))
    expect(result.main.stdout).toContain('from docker-credential-e2e (credHelpers in')
    expect(await readFile(path.join(helper.dir, 'calls.log'), 'utf8')).toContain(
      `get ${e2e.env.E2E_AUTH_REGISTRY}`
    )
    expect(visibleText(result)).not.toContain(e2e.env.E2E_AUTH_PASSWORD)
  })

  it('a failing helper stops the step before the build, naming the helper; no secret anywhere', async () => {
    const helper = await helperOnPath({
      [e2e.env.E2E_AUTH_REGISTRY]: { Username: e2e.env.E2E_AUTH_USER, Secret: e2e.env.E2E_AUTH_PASSWORD }
    })
    await writeFile(path.join(helper.dir, 'fail'), '')
    const dockerConfig = await configWith({ credHelpers: { [e2e.env.E2E_AUTH_REGISTRY]: 'e2e' } })
    const { result, image } = await withoutPassword('cfg-helper-fail', dockerConfig, { PATH: helper.PATH })
    expect(result.main.exitCode).not.toBe(0)
    const errors = annotations(result, 'error').join('\n')
    expect(errors).toContain('Credential helper docker-credential-e2e (credHelpers in')
    expect(errors).toContain('the token service at vault.example is unreachable')
    expect(result.main.stdout).not.toMatch(/^#\d+ \[/m) // bake never ran
    const auth = { user: e2e.env.E2E_AUTH_USER, password: e2e.env.E2E_AUTH_PASSWORD }
    expect(await registryTags(image, { auth })).toEqual([])
    expect(visibleText(result)).not.toContain(e2e.env.E2E_AUTH_PASSWORD)
  })

  it('a missing helper (credsStore) stops the step, naming it and the config file', async () => {
    const dockerConfig = await configWith({ credsStore: 'nosuch-store' })
    const { result } = await withoutPassword('cfg-helper-missing', dockerConfig)
    expect(result.main.exitCode).not.toBe(0)
    expect(annotations(result, 'error').join('\n')).toMatch(
      /Credential helper docker-credential-nosuch-store \(credsStore in .*config.json\) could not be run for localhost:5001: is it installed and on PATH\?/
    )
  })
})
