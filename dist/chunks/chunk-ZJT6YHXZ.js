import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{q as i}from"./chunk-5DVUW64B.js";function o(r){r&&process.env.GITHUB_ACTIONS==="true"&&i(r)}function e(r,t){return t?r.split(t).join("***"):r}export{o as a,e as b};
