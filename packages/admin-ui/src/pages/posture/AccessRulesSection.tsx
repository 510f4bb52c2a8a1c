// Access rules by posture profile, in evaluation order (the first rule that matches decides; with any
// rule, what none allows is dropped): add, edit, move one place up or down, remove after confirming.
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useConfirm } from '../../components/useConfirm';
import { useI18n } from '../../i18n';
import { AccessRuleForm } from './AccessRuleForm';
import { ActionsHeader, EditRemove, ListSection } from './ListSection';
import { noProfileKey, type AccessRule, type PostureProfile } from './model';
import { moveOne } from './order';
import { messageOf, type Editing } from './parts';

export function AccessRulesSection({
  rules,
  profiles,
  canChange,
  onChanged,
}: {
  /** In evaluation order, as the API lists them. */
  rules: readonly AccessRule[];
  profiles: readonly PostureProfile[];
  canChange: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Editing<AccessRule>>({ kind: 'none' });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const move = (rule: AccessRule, direction: -1 | 1) => {
    const planned = moveOne(rules, rule.id, direction);
    if (!planned.ok) {
      setProblem(planned.reason === 'noRoom' ? t('postureRuleNoRoom', { position: rule.position }) : null);
      return;
    }
    setBusy(true);
    api
      .PATCH('/api/v1/access-rules/{id}', {
        params: { path: { id: rule.id } },
        body: { position: planned.position },
      })
      .then((result) => {
        unwrap(result);
        setProblem(null);
      })
      .catch((error: unknown) => {
        setProblem(t('postureRuleNotMoved', { message: messageOf(error) }));
      })
      .finally(() => {
        setBusy(false);
        onChanged();
      });
  };

  const remove = (rule: AccessRule) => {
    api
      .DELETE('/api/v1/access-rules/{id}', { params: { path: { id: rule.id } } })
      .then((result) => {
        unwrap(result);
        setProblem(null);
      })
      .catch((error: unknown) => {
        setProblem(t('postureRuleNotRemoved', { message: messageOf(error) }));
      })
      .finally(onChanged);
  };

  const names = (rule: AccessRule): string =>
    rule.profile_names
      .map((name, i) => (rule.profiles[i] === noProfileKey ? t('postureNoProfile') : name))
      .join(', ');
  const described = (rule: AccessRule): string =>
    t('postureRuleDescribed', { position: rule.position, profiles: names(rule), to: rule.to.join(', ') });

  const removal = useConfirm<AccessRule>(
    (rule) => ({
      title: t('postureRuleRemoveTitle', { position: rule.position }),
      text: t('postureRuleRemoveText', { rule: described(rule) }),
      action: t('postureRemove'),
    }),
    remove,
  );

  return (
    <ListSection
      id="posture-rules-title"
      title={t('postureRulesTitle')}
      hint={rules.length === 0 ? t('postureRulesNoneHint') : t('postureRulesHint')}
      addLabel={t('postureRuleAdd')}
      canChange={canChange}
      editing={editing}
      onEditing={setEditing}
      onChanged={onChanged}
      form={(rule, close) => (
        <AccessRuleForm key={rule?.id ?? 'new'} editing={rule} profiles={profiles} {...close} />
      )}
      problem={problem}
      empty={rules.length === 0 ? t('postureRulesNone') : null}
      table={
        <table className="list" aria-labelledby="posture-rules-title">
          <thead>
            <tr>
              <th scope="col">{t('postureRulePosition')}</th>
              <th scope="col">{t('postureRuleAction')}</th>
              <th scope="col">{t('postureRuleProfiles')}</th>
              <th scope="col">{t('postureRuleTo')}</th>
              {canChange && <ActionsHeader />}
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => (
              <tr key={rule.id}>
                <td>{rule.position}</td>
                <td>
                  <span className={rule.action === 'deny' ? 'tag warn' : 'tag'}>
                    {rule.action === 'allow' ? t('postureAllow') : t('postureDeny')}
                  </span>
                </td>
                <td>{names(rule)}</td>
                <td className="mono">{rule.to.join(', ')}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="small"
                      disabled={busy || index === 0}
                      aria-label={t('postureMoveUpNamed', { rule: described(rule) })}
                      onClick={() => {
                        move(rule, -1);
                      }}
                    >
                      {t('postureMoveUp')}
                    </button>
                    <button
                      type="button"
                      className="small"
                      disabled={busy || index === rules.length - 1}
                      aria-label={t('postureMoveDownNamed', { rule: described(rule) })}
                      onClick={() => {
                        move(rule, 1);
                      }}
                    >
                      {t('postureMoveDown')}
                    </button>
                    <EditRemove
                      name={described(rule)}
                      onEdit={() => {
                        setEditing({ kind: 'edit', item: rule });
                      }}
                      onRemove={() => {
                        removal.ask(rule);
                      }}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {removal.dialog}
    </ListSection>
  );
}
