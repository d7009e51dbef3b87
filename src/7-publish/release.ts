// The end of every release, in the main action and in merge alike: sign what was pushed by digest, then move the
// tags, all or nothing. Signing comes first so that a signing failure leaves every tag where it was.
import type { RegistryClient } from '../6-registry/client.js'
import { phase } from '../lib/phase.js'
import type { ReleasePolicy } from './release-policy.js'
import type { TargetResult } from './results.js'
import { signTargets, type SignOptions } from './sign/sign-images.js'
import { tagRelease } from './tagging.js'

export async function signAndTag(
  client: RegistryClient,
  targets: TargetResult[],
  policy: ReleasePolicy,
  signing: Omit<SignOptions, 'push'>
): Promise<void> {
  await signTargets(client, targets, { ...signing, push: true })
  await phase('Tagging', () => tagRelease(client, targets, policy))
}
