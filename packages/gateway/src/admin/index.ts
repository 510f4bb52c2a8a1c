// The administrative use cases, once: the management API's routes and the CLI's commands are thin
// adapters over these.
import { AccessRuleAdmin } from './access-rules.js';
import { AdministratorAdmin } from './admins.js';
import type { AdminDeps } from './context.js';
import { DirectoryAdmin } from './directory.js';
import { ExemptionAdmin } from './exemptions.js';
import { GroupAdmin } from './groups.js';
import { PostureAdmin } from './posture.js';
import { SessionAdmin } from './sessions.js';
import { SettingsAdmin } from './settings.js';
import { TokenAdmin } from './tokens.js';
import { UserAdmin } from './users.js';
import { VpnRuleAdmin } from './vpn-rules.js';

export interface AdminServices {
  users: UserAdmin;
  groups: GroupAdmin;
  vpnRules: VpnRuleAdmin;
  settings: SettingsAdmin;
  directory: DirectoryAdmin;
  sessions: SessionAdmin;
  exemptions: ExemptionAdmin;
  tokens: TokenAdmin;
  administrators: AdministratorAdmin;
  posture: PostureAdmin;
  accessRules: AccessRuleAdmin;
}

export function createAdminServices(deps: AdminDeps): AdminServices {
  return {
    users: new UserAdmin(deps),
    groups: new GroupAdmin(deps),
    vpnRules: new VpnRuleAdmin(deps),
    settings: new SettingsAdmin(deps),
    directory: new DirectoryAdmin(deps),
    sessions: new SessionAdmin(deps),
    exemptions: new ExemptionAdmin(deps),
    tokens: new TokenAdmin(deps),
    administrators: new AdministratorAdmin(deps),
    posture: new PostureAdmin(deps),
    accessRules: new AccessRuleAdmin(deps),
  };
}
