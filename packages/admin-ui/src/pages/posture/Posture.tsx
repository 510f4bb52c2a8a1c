// Device posture (docs/posture.md): the objects (criteria a healthy device meets), the profiles made
// of them, the access rules by profile, and the settings of the exchange with clients. A viewer sees
// all four and is offered no change.
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import { AccessRulesSection } from './AccessRulesSection';
import { ObjectsSection } from './ObjectsSection';
import { Problem } from './parts';
import { ProfilesSection } from './ProfilesSection';
import { SettingsSection } from './SettingsSection';
import { usePostureData } from './usePostureData';
import './posture.css';

export function Posture({ canChange }: PageProps) {
  const { t } = useI18n();
  const { loaded, reload } = usePostureData();
  return (
    <section aria-labelledby="page-title" className="posture">
      <h1 id="page-title">{t('postureTitle')}</h1>
      <p>{t('postureIntro')}</p>
      {loaded.kind === 'loading' && <p className="muted">{t('loading')}</p>}
      {loaded.kind === 'failed' && (
        <div className="problem">
          <Problem text={t('error', { message: loaded.text })} />
          <button type="button" onClick={reload}>
            {t('retry')}
          </button>
        </div>
      )}
      {loaded.kind === 'ready' && (
        <>
          <ObjectsSection objects={loaded.data.objects} canChange={canChange} onChanged={reload} />
          <ProfilesSection
            profiles={loaded.data.profiles}
            objects={loaded.data.objects}
            canChange={canChange}
            onChanged={reload}
          />
          <AccessRulesSection
            rules={loaded.data.rules}
            profiles={loaded.data.profiles}
            canChange={canChange}
            onChanged={reload}
          />
        </>
      )}
      <SettingsSection canChange={canChange} />
    </section>
  );
}
