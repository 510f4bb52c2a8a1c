export { CommandError, runCommand, type RunOptions, type RunResult } from './process.js';
