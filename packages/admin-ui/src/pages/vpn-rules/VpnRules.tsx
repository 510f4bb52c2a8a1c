import type { PageProps } from '../props';
import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';

/** VPN-access rules (GET /api/v1/vpn-rules): not in the console yet. */
export function VpnRules(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navVpnRules')}
      what={t('vpnRulesWhat')}
      commands={[
        'GET/POST /api/v1/vpn-rules, DELETE /api/v1/vpn-rules/{id}',
        'kordon-gateway vpn-rule add|list|remove',
      ]}
    />
  );
}
