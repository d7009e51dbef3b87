import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
var o=["createdBuilder","layoutDirs","loggedInRegistries","localCache"],r=(e,s=process.env)=>s[`STATE_${e}`]??"";export{o as a,r as b};
