// The docker-container builder up to the boundary this machine allows: moby/buildkit cannot be pulled here, so
// no such builder can boot. What can be proven with the real tools: the arguments the action builds are the ones
// buildx stores for the builder (driver options, quoted commas, BuildKit flags, the inline configuration), and a
// BuildKit image that cannot be pulled fails the step with a message naming it, after which the post step removes
// the half-created builder. Each run keeps its builders in a DOCKER_CONFIG of its own (buildx stores them under
// $DOCKER_CONFIG/buildx), so the machine's builders are never touched. An unsupported buildx is a real one too:
// Debian trixie's 0.13.1 (unpacked by scripts/e2e-env.sh) in a DOCKER_CONFIG's cli-plugins directory, where the
// docker CLI looks first.
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  annotations,
  docker,
  e2eEnv,
  publish,
  pushContext,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { createArgs } from '../../src/4-setup/builder.js'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

interface Instance {
  Driver: string
  Nodes: {
    DriverOpts: Record<string, string>
    Flags: string[] | null
    Files: Record<string, string> | null
  }[]
}

describe('docker-container builder', () => {
  it('buildx stores exactly the options the action passes (driver-opts, flags, inline config)', async () => {
    const buildxConfig = await mkdtemp(path.join(tmpdir(), 'e2e-buildx-config-'))
    const toml = '[worker.oci]\n  max-parallelism = 2\n'
    const configFile = path.join(buildxConfig, 'buildkitd.toml')
    await writeFile(configFile, toml)
    const name = uniqueName('e2e-create').replace(/-/g, '_')
    const args = createArgs(name, {
      buildkitImage: 'registry.example/moby/buildkit:v0.25.1',
      driverOpts: ['"env.no_proxy=localhost,127.0.0.1"', 'memory=2g'],
      buildkitdFlags: '--debug --allow-insecure-entitlement security.insecure',
      configFile
    })
    // `create` without --bootstrap only records the builder: nothing is pulled or started.
    await docker(args, { env: { BUILDX_CONFIG: buildxConfig } })
    const instance = JSON.parse(
      await readFile(path.join(buildxConfig, 'instances', name), 'utf8')
    ) as Instance
    expect(instance.Driver).toBe('docker-container')
    const node = instance.Nodes[0]
    expect(node.DriverOpts).toEqual({
      image: 'registry.example/moby/buildkit:v0.25.1',
      network: 'host',
      'env.no_proxy': 'localhost,127.0.0.1',
      memory: '2g'
    })
    expect(node.Flags).toEqual(
      expect.arrayContaining(['--debug', '--allow-insecure-entitlement', 'security.insecure'])
    )
    expect(Buffer.from(node.Files?.['buildkitd.toml'] ?? '', 'base64').toString()).toContain(
      'max-parallelism = 2'
    )
    await docker(['buildx', 'rm', '--force', name], { env: { BUILDX_CONFIG: buildxConfig } })
  })

  it('a BuildKit image that cannot be pulled fails the step, naming it; post removes the builder', async () => {
    const env = await e2eEnv()
    const dockerConfig = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
    const missing = `${env.E2E_REGISTRY}/${uniqueName('e2e-nobuildkit')}/buildkit:v0.0.0`
    const result = await publish({
      workspace: await workspaceFrom('basic'),
      context: pushContext('refs/heads/main'),
      api: e2e.api,
      env: { DOCKER_CONFIG: dockerConfig },
      inputs: {
        driver: 'docker-container',
        'buildkit-image': missing,
        'driver-opts': 'memory=1g',
        'buildkitd-flags': '--debug',
        'buildkitd-config-inline': '[worker.oci]\n  max-parallelism = 1',
        'image-prefix': uniqueName('e2e-builder'),
        targets: 'api',
        platforms: 'linux/amd64'
      }
    })
    expect(result.main.exitCode).not.toBe(0)
    const errors = annotations(result, 'error').join('\n')
    expect(errors).toContain(`BuildKit (${missing}) did not start`)
    expect(errors).toContain('buildkit-image input names an image this runner can pull')
    // The command line buildx received (the exec wrapper echoes it).
    const create = result.main.stdout.split('\n').find(l => l.includes('buildx create')) ?? ''
    expect(create).toContain(`--driver-opt image=${missing} --driver-opt network=host --driver-opt memory=1g`)
    expect(create).toMatch(/--buildkitd-flags --debug --buildkitd-config \S+buildkitd\.toml/)
    const name = result.main.state.createdBuilder
    expect(name).toMatch(/^multiarch-/)
    expect(result.post?.exitCode).toBe(0)
    expect(result.post?.stdout).toContain(`Removed builder '${name}'`)
    const instances = path.join(dockerConfig, 'buildx', 'instances')
    expect(existsSync(instances) ? await readdir(instances) : []).toEqual([])
    const containers = await docker([
      'ps',
      '-a',
      '--filter',
      `name=buildx_buildkit_${name}`,
      '--format',
      '{{.Names}}'
    ])
    expect(containers.trim()).toBe('')
  })
})

describe('buildx version', () => {
  it('a buildx older than 0.21 (trixie’s 0.13.1) fails the step first, saying what to install', async () => {
    const env = await e2eEnv()
    const dockerConfig = await mkdtemp(path.join(tmpdir(), 'e2e-docker-config-'))
    await mkdir(path.join(dockerConfig, 'cli-plugins'))
    await symlink(env.E2E_OLD_BUILDX, path.join(dockerConfig, 'cli-plugins', 'docker-buildx'))
    expect(await docker(['buildx', 'version'], { env: { DOCKER_CONFIG: dockerConfig } })).toContain('0.13.1')
    const result = await publish({
      workspace: await workspaceFrom('basic'),
      context: pushContext('refs/heads/main'),
      api: e2e.api,
      env: { DOCKER_CONFIG: dockerConfig },
      inputs: { 'image-prefix': uniqueName('e2e-oldbuildx'), targets: 'api' }
    })
    expect(result.main.exitCode).not.toBe(0)
    expect(annotations(result, 'error')).toEqual([
      expect.stringMatching(
        /^Buildx 0\.13\.1 is not supported: this action needs buildx >= 0\.21\.0 .*Install buildx 0\.21\.0 or newer/
      )
    ])
    // Checked before anything was built: bake may have read the definition alongside the check (a silent
    // `--print`, which the plan phase runs at the same time), but no build ran (the build's command line is echoed).
    expect(result.main.stdout).not.toMatch(/^\[command\].*buildx bake/m)
  })
})
