export { CommandError, runCommand, type RunOptions, type RunResult } from './process.js';
export { Netns, link } from './netns.js';
