// GitHub artifact attestations of the pushed indexes (input `github-attestations`), so that
// `gh attestation verify oci://IMAGE --owner OWNER` finds them: an in-toto statement naming the image and its index
// digest with a SLSA v1 build-provenance predicate of this workflow run (the shape actions/attest-build-provenance
// writes), signed keyless like the image signatures (same certificate), and stored through the attestations API
// (`POST /repos/{owner}/{repo}/attestations`, needs `permissions: attestations: write`).
import type { RunContext } from '../../1-context/context.js'
import { githubClient } from '../../lib/github-api.js'
import { IN_TOTO_STATEMENT } from './format.js'

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'
const BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1'

/** The provenance statement of `image@digest`, from the run's context and the runner's variables. */
export function provenanceStatement(
  image: string,
  digest: string,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): Buffer {
  const [algorithm, hex] = digest.split(':')
  const server = ctx.serverUrl || 'https://github.com'
  const repository = `${ctx.repository.owner}/${ctx.repository.repo}`
  // GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/release.yml@refs/tags/v1.2.3`.
  const workflowRef = env.GITHUB_WORKFLOW_REF ?? ''
  const path = workflowRef.slice(repository.length + 1).replace(/@.*$/, '')
  const predicate = {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: { workflow: { ref: ctx.ref, repository: `${server}/${repository}`, path } },
      internalParameters: {
        github: {
          event_name: ctx.eventName,
          repository_id: env.GITHUB_REPOSITORY_ID ?? '',
          repository_owner_id: env.GITHUB_REPOSITORY_OWNER_ID ?? '',
          runner_environment: env.RUNNER_ENVIRONMENT ?? ''
        }
      },
      resolvedDependencies: [
        { uri: `git+${server}/${repository}@${ctx.ref}`, digest: { gitCommit: ctx.sha } }
      ]
    },
    runDetails: {
      builder: { id: workflowRef ? `${server}/${workflowRef}` : `${server}/${repository}` },
      metadata: {
        invocationId: `${server}/${repository}/actions/runs/${ctx.runId}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`
      }
    }
  }
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT,
      subject: [{ name: image, digest: { [algorithm]: hex } }],
      predicateType: SLSA_PROVENANCE_V1,
      predicate
    })
  )
}

/** Stores a bundle through the attestations API; returns the attestation id. */
export async function writeGitHubAttestation(
  ctx: RunContext,
  token: string,
  bundle: Buffer
): Promise<number> {
  if (!token) throw new Error('github-attestations needs github-token (with attestations: write).')
  const octokit = await githubClient(token, ctx.apiUrl)
  try {
    const res = await octokit.request('POST /repos/{owner}/{repo}/attestations', {
      owner: ctx.repository.owner,
      repo: ctx.repository.repo,
      bundle: JSON.parse(bundle.toString('utf8'))
    })
    return (res.data as { id: number }).id
  } catch (e) {
    const status = (e as { status?: number }).status
    const hint = status === 403 ? " (give the job 'permissions: attestations: write')" : ''
    throw new Error(`Writing the GitHub attestation failed: ${status ?? ''} ${(e as Error).message}${hint}`, {
      cause: e
    })
  }
}
