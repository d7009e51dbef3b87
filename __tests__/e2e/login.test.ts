// Registry login against the htpasswd registry on localhost:5001 (credentials from .e2e/env, written by
// scripts/e2e-env.sh): the right password pushes; a wrong one fails clearly; the password never shows up in
// anything the step leaves behind (stdout, stderr, summary, state, outputs, env file), and post logs out.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type E2eEnv,
  annotations,
  e2eEnv,
  publish,
  pushContext,
  registryTags,
  uniqueName,
  visibleText,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { type GitHubApi, repoFixture, startGitHubApi } from '../../scripts/harness/github-api.mjs'

let api: GitHubApi
let env: E2eEnv

beforeAll(async () => {
  env = await e2eEnv()
  api = await startGitHubApi({ repos: { 'blacklake/demo': repoFixture('blacklake/demo') } })
})
afterAll(async () => api?.close())

async function loginScenario(label: string, password: string) {
  const prefix = uniqueName(`e2e-${label}`)
  // A docker config of its own, so the test can see what login left behind after post.
  const dockerConfig = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
  const result = await publish({
    workspace: await workspaceFrom('basic'),
    context: pushContext('refs/heads/main'),
    api,
    env: { DOCKER_CONFIG: dockerConfig },
    inputs: {
      registry: env.E2E_AUTH_REGISTRY,
      'image-prefix': prefix,
      targets: 'api',
      platforms: 'linux/amd64',
      username: env.E2E_AUTH_USER,
      password
    }
  })
  const image = `${env.E2E_AUTH_REGISTRY}/${prefix}/api`
  const auth = { user: env.E2E_AUTH_USER, password: env.E2E_AUTH_PASSWORD }
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
    const s = await loginScenario('login-ok', env.E2E_AUTH_PASSWORD)
    if (s.result.main.exitCode !== 0) console.log(s.result.main.stdout, s.result.main.stderr)
    expect(s.result.main.exitCode).toBe(0)
    expect(s.result.main.outputs.pushed).toBe('true')
    expect(await registryTags(s.image, { auth: s.auth })).toContain('main')
    expect(visibleText(s.result)).not.toContain(env.E2E_AUTH_PASSWORD)
    expect(s.result.post?.exitCode).toBe(0)
    expect(Object.keys(await configAuths(s.dockerConfig))).not.toContain(env.E2E_AUTH_REGISTRY)
  })

  it('fails clearly with a wrong password, pushes nothing, and never prints it', async () => {
    const wrong = `wrong-${uniqueName('pw')}-Secret`
    const s = await loginScenario('login-bad', wrong)
    expect(s.result.main.exitCode).not.toBe(0)
    const errors = annotations(s.result, 'error').join('\n')
    expect(errors).toMatch(/login/i)
    expect(errors).toContain(env.E2E_AUTH_REGISTRY)
    expect(errors).toMatch(/unauthorized|denied|incorrect|401/i)
    expect(await registryTags(s.image, { auth: s.auth })).toEqual([])
    const text = visibleText(s.result)
    expect(text).not.toContain(wrong)
    expect(text).not.toContain(env.E2E_AUTH_PASSWORD)
    expect(s.result.main.outputs.pushed ?? 'false').toBe('false')
  })
})
