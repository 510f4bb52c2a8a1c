// VPN-access rules (DECISIONS 17; /api/v1/vpn-rules): the whole list in evaluation order, added to,
// edited, removed and reordered. A move is planned as position PATCHes (reorder.ts) that never put the
// other rules in a wrong order, since each PATCH re-judges the live external sessions at once.
import { useEffect, useRef, useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { LoadState } from '../../components/LoadState';
import { useConfirm } from '../../components/useConfirm';
import { useLoaded } from '../../components/useLoaded';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import { inOrder, movedTo, planMove, planSlot, type PositionPatch } from './reorder';
import { RuleForm, type RuleDraft } from './RuleForm';
import { RuleTable } from './RuleTable';
import { loadAllRules, type VpnRule } from './rules';
import './vpn-rules.css';

/** The button a keyboard move came from, focused again once the list is reloaded. */
interface FocusAfter {
  id: string;
  button: 'move-up' | 'move-down' | 'edit';
}

async function send(patches: readonly PositionPatch[]): Promise<void> {
  // One after another: each order in between is one the plan allows.
  for (const { id, position } of patches) {
    unwrap(await api.PATCH('/api/v1/vpn-rules/{id}', { params: { path: { id } }, body: { position } }));
  }
}

export function VpnRules({ canChange }: PageProps) {
  const { t } = useI18n();
  const { loaded, reload, retry } = useLoaded(loadAllRules);
  /** While a move is applied: the order it makes, shown instead of the gateway's. */
  const [moving, setMoving] = useState<VpnRule[] | null>(null);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const focusAfter = useRef<FocusAfter | null>(null);

  const rules = loaded.kind === 'ready' ? loaded.data : [];

  useEffect(() => {
    const wanted = focusAfter.current;
    if (wanted === null || moving !== null) return;
    focusAfter.current = null;
    const row = document.querySelector(`tr[data-rule-id="${CSS.escape(wanted.id)}"]`);
    // A move button that is off now (the rule is at the top or the bottom): the other one.
    const other =
      wanted.button === 'move-up' ? 'move-down' : wanted.button === 'move-down' ? 'move-up' : 'edit';
    const button =
      row?.querySelector<HTMLButtonElement>(`button.${wanted.button}:not(:disabled)`) ??
      row?.querySelector<HTMLButtonElement>(`button.${other}:not(:disabled)`);
    button?.focus();
  }, [loaded, moving, editingId]);

  const move = async (id: string, toIndex: number) => {
    setProblem(null);
    setStatus('');
    const plan = planMove(rules, id, toIndex);
    if (!plan.ok) {
      if (plan.reason === 'no-room') setProblem(t('vpnRulesNoRoom'));
      return;
    }
    if (plan.patches.length === 0) return;
    const active = document.activeElement;
    if (active instanceof HTMLButtonElement && active.closest(`tr[data-rule-id]`) !== null) {
      if (active.classList.contains('move-up')) focusAfter.current = { id, button: 'move-up' };
      if (active.classList.contains('move-down')) focusAfter.current = { id, button: 'move-down' };
    }
    setMoving(movedTo(rules, id, toIndex));
    setStatus(t('vpnRulesMoving'));
    try {
      await send(plan.patches);
      const now = await reload();
      const place = now?.findIndex((rule) => rule.id === id) ?? -1;
      setStatus(place < 0 ? '' : t('vpnRulesMoved', { number: place + 1 }));
    } catch (error) {
      setStatus('');
      setProblem(t('vpnRulesMoveFailed', { message: messageOf(error) }));
      await reload();
    } finally {
      setMoving(null);
    }
  };

  const add = async (draft: RuleDraft) => {
    setProblem(null);
    setStatus('');
    const body = { action: draft.action, users: draft.users, groups: draft.groups };
    if (draft.place === 'top' && rules.length > 0) {
      const slot = planSlot(inOrder(rules), 0);
      if (!slot.ok) throw new Error(t('vpnRulesNoRoom'));
      try {
        await send(slot.spread);
        unwrap(await api.POST('/api/v1/vpn-rules', { body: { ...body, position: slot.position } }));
      } finally {
        await reload();
      }
    } else {
      unwrap(await api.POST('/api/v1/vpn-rules', { body }));
      await reload();
    }
    setStatus(t('vpnRulesAdded'));
  };

  const save = async (rule: VpnRule, number: number, draft: RuleDraft) => {
    setProblem(null);
    setStatus('');
    unwrap(
      await api.PATCH('/api/v1/vpn-rules/{id}', {
        params: { path: { id: rule.id } },
        body: { action: draft.action, users: draft.users, groups: draft.groups },
      }),
    );
    focusAfter.current = { id: rule.id, button: 'edit' };
    setEditingId(null);
    await reload();
    setStatus(t('vpnRulesSaved', { number }));
  };

  const remove = async (rule: VpnRule) => {
    setProblem(null);
    setStatus('');
    try {
      const result = await api.DELETE('/api/v1/vpn-rules/{id}', { params: { path: { id: rule.id } } });
      // Already gone (404) is what was asked for.
      if (result.response.status !== 404) unwrap(result);
      setStatus(t('vpnRulesRemoved'));
    } catch (error) {
      setProblem(t('vpnRulesRemoveFailed', { message: messageOf(error) }));
    }
    await reload();
  };

  const removal = useConfirm<{ rule: VpnRule; number: number }>(
    ({ rule, number }) => ({
      title: t('vpnRulesRemoveTitle', { number }),
      text: t('vpnRulesRemoveText', {
        action: rule.action === 'allow' ? t('vpnRulesAllow') : t('vpnRulesDeny'),
        names: [...rule.users, ...rule.groups].join(', '),
      }),
      action: t('vpnRulesRemove'),
    }),
    ({ rule }) => void remove(rule),
  );

  const shown = moving ?? rules;
  return (
    <section className="vpn-rules-page" aria-labelledby="page-title">
      <h1 id="page-title">{t('vpnRulesTitle')}</h1>
      <p>{t('vpnRulesExplain')}</p>
      <p className="muted">{t('vpnRulesLive')}</p>
      {canChange && (
        <div className="card">
          <RuleForm
            idPrefix="new-rule"
            title={t('vpnRulesAddTitle')}
            initial={{ action: 'allow', users: [], groups: [] }}
            withPlace
            disabled={moving !== null || loaded.kind !== 'ready'}
            submitLabel={t('vpnRulesAdd')}
            busyLabel={t('vpnRulesAdding')}
            onSave={add}
          />
        </div>
      )}
      <p role="status" className="status saved">
        {status}
      </p>
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <LoadState loaded={loaded} onRetry={retry} />
      {loaded.kind === 'ready' && shown.length === 0 && <p className="empty card">{t('vpnRulesEmpty')}</p>}
      {loaded.kind === 'ready' && shown.length > 0 && (
        <>
          {canChange && shown.length > 1 && <p className="hint">{t('vpnRulesDragHint')}</p>}
          <RuleTable
            rules={shown}
            canChange={canChange}
            locked={moving !== null}
            editingId={editingId}
            onMove={(id, toIndex) => void move(id, toIndex)}
            onEdit={(id) => {
              setStatus('');
              setEditingId(id);
            }}
            onRemove={(rule, number) => {
              removal.ask({ rule, number });
            }}
            renderEditor={(rule, number) => (
              <RuleForm
                idPrefix={`edit-${rule.id}`}
                title={t('vpnRulesEditTitle', { number })}
                initial={rule}
                withPlace={false}
                disabled={false}
                submitLabel={t('vpnRulesSave')}
                busyLabel={t('vpnRulesSaving')}
                onSave={(draft) => save(rule, number, draft)}
                focusUsers
                onCancel={() => {
                  focusAfter.current = { id: rule.id, button: 'edit' };
                  setEditingId(null);
                }}
              />
            )}
          />
        </>
      )}
      {removal.dialog}
    </section>
  );
}
