import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';

/** The Состояние устройств: объекты и критерии, которым отвечает исправное устройство, профили из них и то, куда каждый профиль может обращаться (правила доступа).:device posture page: not in the console yet. */
export function Posture(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet title={t('navPosture')} what={t('postureWhat')} commands={['kordon-gateway posture --help']} />
  );
}
