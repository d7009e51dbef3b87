// The clean-up's job summary and the rewritten preview comment, from a plan of real manifests (the fixtures of
// __tests__/fixtures/cleanup); and the comment key the clean-up reads back from the publishing jobs' comments.
import { describe, expect, it } from '@jest/globals'
import { commentMarker, defaultMarkerKey, renderComment } from '../../src/8-report/pr-comment.js'
import {
  previewCommentKey,
  removedOutput,
  renderCleanupSummary,
  renderRemovedComment
} from '../../src/8-report/cleanup-report.js'
import type { ImageCleanup } from '../../src/7-publish/preview-cleanup.js'

const API = 'sha256:a6ce160bb9b6e0dffcdf1306d9c3a9e5b6a36759c71309ed52359bf909d463ac'
const AMD64 = 'sha256:891ac3b5da7b3f0ce0a6379988174b447d05c4fa0f6bcf04530128f8c96c6d39'
const KEPT = `sha256:${'1'.repeat(64)}`

function result(o: Partial<ImageCleanup> = {}): ImageCleanup {
  const remove = [
    {
      digest: API,
      kind: 'index' as const,
      reason: 'tagged pr-42, pr-42-d64f13d',
      tags: ['pr-42', 'pr-42-d64f13d']
    },
    { digest: AMD64, kind: 'image' as const, reason: 'linux/amd64 image of pr-42, pr-42-d64f13d', tags: [] }
  ]
  return {
    target: 'api',
    image: 'ghcr.io/blacklake/api',
    api: 'github-packages',
    plan: {
      previewTags: ['pr-42', 'pr-42-0123456', 'pr-42-d64f13d'],
      remove,
      untag: [{ tag: 'pr-42-0123456', digest: KEPT, keptBecause: 'also tagged v1.2.3' }]
    },
    removed: remove,
    untagged: ['pr-42-0123456'],
    problems: [],
    ...o
  }
}

describe('previewCommentKey', () => {
  it.each(['publish/publish', 'PR preview/preview', 'Release (multi-runner)/merge'])(
    'reads back the key of the comment the publishing job %s writes',
    key => {
      const marker = commentMarker(key)
      const body = renderComment(marker, [])
      const found = previewCommentKey(body)
      expect(found).toBeDefined()
      expect(commentMarker(found as string)).toBe(marker)
    }
  )

  it('ignores other comments', () => {
    expect(previewCommentKey('LGTM <!-- blacklake/multiarch-action:x -->')).toBeUndefined()
    expect(previewCommentKey(`${commentMarker(defaultMarkerKey({}))}\nhello`)).toBe('workflow/job')
  })
})

describe('renderCleanupSummary', () => {
  it('lists what went and why, and the tags removed from manifests that stay', () => {
    const md = renderCleanupSummary([result()], { dryRun: false, numbers: [42] })
    expect(md).toContain('## Preview clean-up\n')
    expect(md).toContain('Pull requests: #42')
    expect(md).toContain(
      '| <code>ghcr.io/blacklake/api</code> | <code>pr-42</code> <code>pr-42-0123456</code> <code>pr-42-d64f13d</code> | 2 | <code>pr-42-0123456</code> | github-packages |'
    )
    expect(md).toContain(`- deleted <code>${API}</code> — tagged pr-42, pr-42-d64f13d`)
    expect(md).toContain(
      `- removed the tag <code>pr-42-0123456</code> only: <code>${KEPT}</code> stays (also tagged v1.2.3)`
    )
  })

  it('says a dry run deleted nothing and lists what would go', () => {
    const md = renderCleanupSummary([result({ removed: [], untagged: [] })], { dryRun: true, numbers: [42] })
    expect(md).toContain('## Preview clean-up (dry run: nothing was deleted)')
    expect(md).toContain(`- would delete <code>${AMD64}</code> — linux/amd64 image of pr-42, pr-42-d64f13d`)
    expect(md).toContain('- would remove the tag <code>pr-42-0123456</code> only')
  })

  it('shows problems, notes and an empty run', () => {
    const refused = result({
      removed: [],
      untagged: [],
      problems: ['The registry r does not allow deleting']
    })
    expect(renderCleanupSummary([refused], { dryRun: false, numbers: [42] })).toContain(
      '- **not done:** The registry r does not allow deleting'
    )
    const empty = renderCleanupSummary([], {
      dryRun: false,
      numbers: [],
      notes: ['#43: open; previews kept']
    })
    expect(empty).toContain('Pull requests: none')
    expect(empty).toContain('- #43: open; previews kept')
    expect(empty).toContain('Nothing to remove.')
  })
})

describe('renderRemovedComment', () => {
  it('keeps the marker and says what was removed', () => {
    const marker = commentMarker('publish/publish')
    const body = renderRemovedComment(marker, 42, [result()], { merged: true, runUrl: 'https://x/run' })
    expect(body.startsWith(`${marker}\n### Preview images removed\n`)).toBe(true)
    expect(body).toContain(
      'Pull request #42 was merged, so its preview images were removed ([clean-up run](https://x/run)).'
    )
    expect(body).toContain(
      '- <code>ghcr.io/blacklake/api</code>: <code>pr-42</code> <code>pr-42-0123456</code> <code>pr-42-d64f13d</code> — 2 manifest(s) deleted'
    )
    expect(body).toContain('<code>pr-42-0123456</code> removed from images that stay')
    expect(renderRemovedComment(marker, 7, [], { merged: false })).toContain('#7 was closed without merging')
  })
})

describe('the removed output', () => {
  it('per image: the preview tags, the manifests deleted and the tags removed from kept manifests', () => {
    expect(removedOutput([result()], false)).toEqual({
      'ghcr.io/blacklake/api': {
        tags: ['pr-42', 'pr-42-0123456', 'pr-42-d64f13d'],
        deleted: [API, AMD64],
        untagged: ['pr-42-0123456']
      }
    })
  })

  it('a dry run lists what would go; an image with nothing to do is left out', () => {
    const dry = result({ removed: [], untagged: [] })
    const nothing = result({
      image: 'ghcr.io/blacklake/ui',
      plan: { previewTags: [], remove: [], untag: [] }
    })
    expect(removedOutput([dry, nothing], true)).toEqual({
      'ghcr.io/blacklake/api': {
        tags: ['pr-42', 'pr-42-0123456', 'pr-42-d64f13d'],
        deleted: [API, AMD64],
        untagged: ['pr-42-0123456']
      }
    })
  })
})
