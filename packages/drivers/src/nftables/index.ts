export { FirewallInputError, normalizeAddress, parseNetwork } from './addresses.js';
export { NftablesError, NftablesFirewall, type NftablesFirewallOptions } from './firewall.js';
export { renderRuleset } from './ruleset.js';
