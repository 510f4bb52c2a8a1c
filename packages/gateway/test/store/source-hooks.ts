// Lets a child Node process run the TypeScript sources as the tests do: the sources import
// `./x.js` where only `./x.ts` exists. Used with `--import` and `--experimental-transform-types`.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
    }
  },
});
