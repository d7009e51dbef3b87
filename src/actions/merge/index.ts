// Entry of the `merge` sub-action (merge/action.yml): only dispatches.
import { run } from '../../7-publish/merge.js'

await run()
