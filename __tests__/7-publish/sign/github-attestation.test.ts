// The build-provenance statement of a GitHub artifact attestation (the shape actions/attest-build-provenance
// writes; the e2e suite signs it, stores it through the local attestations API and cosign verifies it).
import { describe, expect, it } from '@jest/globals'
import { runContext } from '../../helpers/run-context.js'
import { provenanceStatement } from '../../../src/7-publish/sign/github-attestation.js'

const ctx = runContext({ repository: { owner: 'blacklake', repo: 'blacklake' }, runId: '42', runNumber: '7' })

describe('provenanceStatement', () => {
  it('names the image and its index digest, the workflow, the commit and the run', () => {
    const digest = 'sha256:' + 'be'.repeat(32)
    const s = JSON.parse(
      provenanceStatement('ghcr.io/blacklake/api', digest, ctx, {
        GITHUB_WORKFLOW_REF: 'blacklake/blacklake/.github/workflows/release.yml@refs/tags/v1.2.3',
        GITHUB_RUN_ATTEMPT: '2',
        RUNNER_ENVIRONMENT: 'github-hosted'
      }).toString()
    )
    expect(s).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'ghcr.io/blacklake/api', digest: { sha256: 'be'.repeat(32) } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: {
              ref: 'refs/tags/v1.2.3',
              repository: 'https://github.com/blacklake/blacklake',
              path: '.github/workflows/release.yml'
            }
          },
          internalParameters: {
            github: {
              event_name: 'push',
              repository_id: '',
              repository_owner_id: '',
              runner_environment: 'github-hosted'
            }
          },
          resolvedDependencies: [
            {
              uri: 'git+https://github.com/blacklake/blacklake@refs/tags/v1.2.3',
              digest: { gitCommit: ctx.sha }
            }
          ]
        },
        runDetails: {
          builder: {
            id: 'https://github.com/blacklake/blacklake/.github/workflows/release.yml@refs/tags/v1.2.3'
          },
          metadata: { invocationId: 'https://github.com/blacklake/blacklake/actions/runs/42/attempts/2' }
        }
      }
    })
  })
})
