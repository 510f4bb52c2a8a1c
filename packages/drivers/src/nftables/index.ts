export { FirewallInputError, normalizeAddress, parseNetwork } from './addresses.js';
export {
  NftablesError,
  NftablesFirewall,
  type KernelExemptions,
  type NftablesFirewallOptions,
} from './firewall.js';
export {
  renderBootRuleset,
  renderClosedRuleset,
  renderExemptions,
  renderRuleset,
  type BootFirewallConfig,
} from './ruleset.js';
