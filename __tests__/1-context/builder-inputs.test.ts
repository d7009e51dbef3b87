// The builder-creation inputs and allow, read through the main action's parser as the action reads them.
import { describe, expect, it } from '@jest/globals'
import { parseInputs, type InputName } from '../../src/1-context/inputs.js'

const from = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? ''

describe('engine inputs: allow and the builder options of setup-buildx-action', () => {
  it('reads allow entries (comma or line), driver-opts (lines only: buildx reads each as CSV) and flags', () => {
    const i = parseInputs(
      from({
        allow: 'network.host, fs.read=../shared\nsecurity.insecure',
        'driver-opts': 'memory=2g\n"env.no_proxy=localhost,127.0.0.1"\n# a comment',
        'buildkitd-flags': '--debug\n  --allow-insecure-entitlement security.insecure',
        'buildkitd-config-inline': '[worker.oci]\n  max-parallelism = 2\n',
        'buildkit-image': 'moby/buildkit:v0.25.1'
      })
    )
    expect(i.allow).toEqual(['network.host', 'fs.read=../shared', 'security.insecure'])
    expect(i.driverOpts).toEqual(['memory=2g', '"env.no_proxy=localhost,127.0.0.1"'])
    expect(i.buildkitdFlags).toBe('--debug --allow-insecure-entitlement security.insecure')
    expect(i.buildkitdConfigInline).toBe('[worker.oci]\n  max-parallelism = 2')
    expect(i.buildkitImage).toBe('moby/buildkit:v0.25.1')
  })

  it.each([
    ['buildkit-image', 'moby/buildkit:v0.25.1,network=none', /Invalid buildkit-image .*driver-opts/],
    ['buildkit-image', 'moby/buildkit:v0.25.1 --debug', /Invalid buildkit-image/],
    ['driver-opts', '--debug', /Invalid driver-opts line '--debug'/],
    ['driver-opts', 'memory', /Invalid driver-opts line 'memory'. Expected key=value/],
    ['allow', '--privileged', /Invalid allow entry '--privileged'/],
    ['allow', 'fs.read = /x', /Invalid allow entry/]
  ] as [InputName, string, RegExp][])('refuses %s %j', (name, value, message) => {
    expect(() => parseInputs(from({ [name]: value }))).toThrow(message)
  })
})
