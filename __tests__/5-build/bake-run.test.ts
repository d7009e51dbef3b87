import { describe, expect, it } from '@jest/globals'
import { bakeFailure, failedStep } from '../../src/5-build/bake-run.js'
import { pushedFromProgress } from '../../src/5-build/progress.js'
import { fixture } from '../helpers/bake-fixtures.js'

describe('build failures, from captured bake output', () => {
  it('name the target, the platform and the failing step, then BuildKit’s reason', () => {
    const progress = fixture('progress-failure-multi-platform.txt')
    expect(failedStep(progress)).toEqual({
      target: 'worker',
      platform: 'linux/arm64',
      step: 'RUN echo building; test "arm64" != arm64'
    })
    expect(bakeFailure(progress)).toBe(
      'Build of worker (linux/arm64) failed at `RUN echo building; test "arm64" != arm64`: ' +
        'process "/bin/sh -c echo building; test \\"$TARGETARCH\\" != arm64" did not complete successfully: exit code: 1'
    )
  })

  it('skip the non-fatal cache-import error block and handle single-platform headers', () => {
    expect(bakeFailure(fixture('progress-failure-single-platform.txt'))).toBe(
      'Build of worker failed at `RUN echo building && exit 3`: ' +
        'process "/bin/sh -c echo building && exit 3" did not complete successfully: exit code: 3'
    )
  })

  it('name the target whose push failed, not the last one bake reported (registry down)', () => {
    // Both targets' pushes fail; bake's final reason is api's, but worker's error block comes last.
    const progress = fixture('progress-push-registry-down.txt')
    expect(failedStep(progress)).toEqual({ target: 'api', platform: undefined, step: 'exporting to image' })
    expect(bakeFailure(progress)).toBe(
      'Push of api (127.0.0.1:5999/gdown/api:dev) to 127.0.0.1:5999 failed: failed to do request: Head ' +
        '"https://127.0.0.1:5999/v2/gdown/api/blobs/sha256:edf26634fedfe9edb0f22f5c2a3e7e53499764db8edc94f99ad1aac6bc661add": ' +
        'dial tcp 127.0.0.1:5999: connect: connection refused'
    )
  })

  it('read the target platform of a cross-stage step (`linux/amd64->arm64`)', () => {
    const progress = [
      '#16 [api linux/amd64->arm64 build 3/3] RUN make',
      '#16 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2'
    ].join('\n')
    expect(failedStep(progress)).toEqual({ target: 'api', platform: 'linux/arm64', step: 'RUN make' })
  })

  it('fall back to the ERROR line alone', () => {
    const out =
      '#1 [internal] load local bake definitions\nERROR: push-by-digest is currently not implemented for docker driver, please create a new builder instance'
    expect(bakeFailure(out)).toBe(
      'Build failed: push-by-digest is currently not implemented for docker driver, please create a new builder instance'
    )
    expect(bakeFailure('')).toMatch(/no ERROR line/)
  })
})

describe('what reached the registry', () => {
  it('is read from the progress stream, even when bake failed and wrote no metadata', () => {
    expect(pushedFromProgress(fixture('progress-failure-multi-platform.txt'))).toEqual({
      'localhost:5000/dfail/api': expect.stringMatching(/^sha256:[0-9a-f]{64}$/)
    })
    expect(pushedFromProgress(fixture('progress-success.txt'))).toEqual({
      'localhost:5000/dtest/api': 'sha256:3f2495b7e62e39d6e56782b8b8d9f1e3d47ec503745ec3fa42ae2a7f7958bc29'
    })
  })
})
