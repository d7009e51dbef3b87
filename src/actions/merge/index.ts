// Entry of the `merge` sub-action (merge/action.yml): only dispatches.
import { run } from './run.js'

await run()
