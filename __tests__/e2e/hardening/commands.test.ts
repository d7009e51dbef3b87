// What reaches docker and bake, on the real engine: the child environment (a bake file declaring a variable named
// like the runner's INPUT_PASSWORD must not read it), positional values that must not become flags, the secret
// guard on the final definition (a `set` line turning mode=max on), and the ghcr.io default login that must not
// replace an earlier step's login. Each scenario failed before its fix (see the commits that added them).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { printDefinition } from '../../../src/3-plan/definition.js'
import {
  annotations,
  publish,
  pushContext,
  uniqueName,
  visibleText,
  workspaceFrom
} from '../../../scripts/harness/e2e.mjs'
import { e2eSetup } from '../../helpers/e2e-setup.js'

const e2e = e2eSetup()

// A bake file that reads a variable named like the runner's input variable, and one with a credential-like arg.
const INPUT_PASSWORD_HCL = `
variable "INPUT_PASSWORD" { default = "" }
target "api" { labels = { "leak" = "password=\${INPUT_PASSWORD}" } }
`
const DB_PASS_HCL = `target "api" { args = { DB_PASS = "hunter2-not-real" } }`

async function workspace(extra: Record<string, string> = {}): Promise<string> {
  const dir = await workspaceFrom('basic')
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text)
  return dir
}

describe('the environment bake sees', () => {
  const secret = `input-pw-${randomBytes(6).toString('hex')}`
  const saved = process.env.INPUT_PASSWORD
  beforeAll(() => {
    process.env.INPUT_PASSWORD = secret
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.INPUT_PASSWORD
    else process.env.INPUT_PASSWORD = saved
  })

  it('a bake file declaring INPUT_PASSWORD does not read the password from the environment', async () => {
    const dir = await workspace({ 'leak.hcl': INPUT_PASSWORD_HCL })
    const { definition, json } = await printDefinition({
      workdir: dir,
      files: ['docker-bake.hcl', 'leak.hcl'],
      targets: ['api'],
      env: { REGISTRY: 'localhost:5000', IMAGE_PREFIX: 'e2e' }
    })
    expect(definition.target.api.labels?.leak).toBe('password=')
    expect(json).not.toContain(secret)
  })

  it('through the action: the password input never reaches the printed definition', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`
    const result = await publish({
      workspace: await workspace({ 'leak.hcl': INPUT_PASSWORD_HCL }),
      context: pushContext('refs/tags/v1.0.0'),
      api: e2e.api,
      inputs: {
        files: 'docker-bake.hcl,leak.hcl',
        targets: 'api',
        'image-prefix': uniqueName('hard-env'),
        'dry-run': 'true',
        username: 'someone',
        password
      }
    })
    expect(result.main.exitCode).toBe(0)
    expect(result.main.stdout).toContain('"leak": "password="')
    expect(visibleText(result)).not.toContain(password)
  })
})

describe('values that must not become flags', () => {
  it.each(['--allow=fs=*', '--print'])(
    'a target %s reaches bake as a target name, not a flag',
    async target => {
      const error = (await printDefinition({
        workdir: await workspace(),
        files: ['docker-bake.hcl'],
        targets: [target],
        env: {}
      }).catch(e => e)) as Error
      expect(error.message).toMatch(/(could not find any target matching|failed to find target) "?--/)
    }
  )

  it('a bake file `-` (standard input, which bake would wait on) is refused before bake runs', async () => {
    const error = (await printDefinition({
      workdir: await workspace(),
      files: ['-'],
      targets: ['api'],
      env: {}
    }).catch(e => e)) as Error
    expect(error.message).toMatch(/^Invalid files '-'/)
  })

  it('through the action: refused before any command runs, saying what is expected', async () => {
    const result = await publish({
      workspace: await workspace(),
      context: pushContext('refs/tags/v1.0.0'),
      api: e2e.api,
      inputs: { targets: '--allow=fs=*', 'image-prefix': uniqueName('hard-flag') }
    })
    expect(result.main.exitCode).not.toBe(0)
    expect(annotations(result, 'error')).toEqual([
      "Invalid targets '--allow=fs=*'. Expected bake target or group names: letters, digits, '_' and '-', not starting with '-'."
    ])
    expect(result.main.stdout).not.toMatch(/docker buildx/)
  })
})

describe('the secret guard reads the final definition', () => {
  it('a set line turning provenance mode=max on past provenance: mode=min is caught', async () => {
    const result = await publish({
      workspace: await workspace({ 'db.hcl': DB_PASS_HCL }),
      context: pushContext('refs/tags/v1.0.0'),
      api: e2e.api,
      inputs: {
        files: 'docker-bake.hcl,db.hcl',
        targets: 'api',
        'image-prefix': uniqueName('hard-guard'),
        provenance: 'mode=min',
        set: 'api.attest=type=provenance,mode=max',
        'dry-run': 'true'
      }
    })
    expect(result.main.exitCode).not.toBe(0)
    expect(annotations(result, 'error').join('\n')).toMatch(
      /provenance mode=max \(as the final bake definition resolves it[^)]*\)[\s\S]*target "api", build arg DB_PASS: name looks like a credential/
    )
    expect(visibleText(result)).not.toContain('hunter2-not-real')
  })
})

describe('an earlier login of ghcr.io', () => {
  it('is kept: no default login over it, no logout of it in the post step', async () => {
    const config = await mkdtemp(path.join(tmpdir(), 'docker-config-'))
    const earlier = JSON.stringify({
      auths: { 'ghcr.io': { auth: Buffer.from('pat-user:not-a-real-pat').toString('base64') } }
    })
    await writeFile(path.join(config, 'config.json'), earlier)
    const result = await publish({
      workspace: await workspace(),
      context: pushContext('refs/tags/v1.0.0'),
      api: e2e.api,
      env: { DOCKER_CONFIG: config },
      inputs: {
        registry: 'ghcr.io',
        targets: 'api',
        'image-prefix': 'blacklake',
        push: 'false',
        platforms: 'linux/amd64'
      }
    })
    if (result.main.exitCode !== 0) console.log(result.main.stdout.slice(-4000))
    expect(result.main.exitCode).toBe(0)
    expect(result.main.stdout).toMatch(/Keeping the login to ghcr.io an earlier step made/)
    expect(await readFile(path.join(config, 'config.json'), 'utf8')).toBe(earlier)
  })
})
