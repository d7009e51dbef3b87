// Entry of the `cleanup` sub-action (cleanup/action.yml): only dispatches.
import { run } from './run.js'

await run()
