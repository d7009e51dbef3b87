import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{n as i}from"./chunk-QX6D5G4T.js";function o(r){r&&process.env.GITHUB_ACTIONS==="true"&&i(r)}function e(r,t){return t?r.split(t).join("***"):r}export{o as a,e as b};
