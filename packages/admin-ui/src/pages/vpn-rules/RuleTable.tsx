// The rules in evaluation order: number, action, users, groups, when made. An administrator reorders
// them by dragging a row's handle (HTML5 drag and drop, a line shows where it lands) or with the
// row's Move up / Move down buttons, and edits or removes a row.
import { useState, type DragEvent, type ReactNode } from 'react';
import { useI18n, type Translate } from '../../i18n';
import { dropIndex } from './reorder';
import type { VpnRule } from './rules';

/** Where a dragged rule would land: before the row at this index (the row count: after the last). */
type Insertion = number;

function Names({ names, t }: { names: readonly string[]; t: Translate }) {
  if (names.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {names.map((name, index) => (
        <span key={name}>
          {index > 0 && ', '}
          {name === '*' ? <span className="tag everyone">{t('vpnRulesEveryone')}</span> : name}
        </span>
      ))}
    </>
  );
}

export function RuleTable({
  rules,
  canChange,
  locked,
  editingId,
  renderEditor,
  onMove,
  onEdit,
  onRemove,
}: {
  /** In the order shown (while a move is applied, the new one). */
  rules: readonly VpnRule[];
  canChange: boolean;
  /** A move is being applied: nothing can be dragged or moved. */
  locked: boolean;
  editingId: string | null;
  renderEditor: (rule: VpnRule, number: number) => ReactNode;
  onMove: (id: string, toIndex: number) => void;
  onEdit: (id: string) => void;
  onRemove: (rule: VpnRule, number: number) => void;
}) {
  const { t, dateTime } = useI18n();
  const [dragged, setDragged] = useState<number | null>(null);
  const [insertion, setInsertion] = useState<Insertion | null>(null);
  const movable = canChange && !locked && editingId === null;
  const span = canChange ? 7 : 5;

  const stopDragging = () => {
    setDragged(null);
    setInsertion(null);
  };

  const over = (event: DragEvent<HTMLTableRowElement>, index: number) => {
    if (dragged === null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const box = event.currentTarget.getBoundingClientRect();
    const next = event.clientY < box.top + box.height / 2 ? index : index + 1;
    // Only a place that moves the rule shows the line.
    setInsertion(dropIndex(dragged, next) === null ? null : next);
  };

  const drop = (event: DragEvent<HTMLTableRowElement>) => {
    event.preventDefault();
    const rule = dragged === null ? undefined : rules[dragged];
    const to = dragged === null || insertion === null ? null : dropIndex(dragged, insertion);
    stopDragging();
    if (rule !== undefined && to !== null) onMove(rule.id, to);
  };

  const dropClass = (index: number): string | undefined => {
    if (insertion === index) return 'drop-before';
    if (insertion === rules.length && index === rules.length - 1) return 'drop-after';
    return undefined;
  };

  return (
    <div className="table-wrap">
      <table className="list vpn-rules" aria-label={t('vpnRulesTable')}>
        <thead>
          <tr>
            {canChange && (
              <th scope="col" className="vpn-rule-handle-col">
                <span className="visually-hidden">{t('vpnRulesColDrag')}</span>
              </th>
            )}
            <th scope="col">{t('vpnRulesColOrder')}</th>
            <th scope="col">{t('vpnRulesColAction')}</th>
            <th scope="col">{t('vpnRulesColUsers')}</th>
            <th scope="col">{t('vpnRulesColGroups')}</th>
            <th scope="col">{t('vpnRulesColMade')}</th>
            {canChange && (
              <th scope="col" className="actions">
                {t('vpnRulesColActions')}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, index) => {
            const number = index + 1;
            if (rule.id === editingId) {
              return (
                <tr key={rule.id} className="editing" data-rule-id={rule.id}>
                  <td colSpan={span}>{renderEditor(rule, number)}</td>
                </tr>
              );
            }
            const handle = t('vpnRulesDragHandle', { number });
            return (
              <tr
                key={rule.id}
                data-rule-id={rule.id}
                className={[dropClass(index), dragged === index ? 'dragging' : undefined]
                  .filter((name) => name !== undefined)
                  .join(' ')}
                onDragOver={(event) => {
                  over(event, index);
                }}
                onDrop={drop}
              >
                {canChange && (
                  <td className="vpn-rule-handle-col">
                    <span
                      className={movable ? 'drag-handle' : 'drag-handle off'}
                      role="img"
                      aria-label={handle}
                      aria-disabled={movable ? undefined : true}
                      title={handle}
                      draggable={movable}
                      onDragStart={(event) => {
                        event.dataTransfer.effectAllowed = 'move';
                        event.dataTransfer.setData('text/plain', rule.id);
                        const row = event.currentTarget.closest('tr');
                        if (row !== null) event.dataTransfer.setDragImage(row, 16, 16);
                        setDragged(index);
                      }}
                      onDragEnd={stopDragging}
                    >
                      ⠿
                    </span>
                  </td>
                )}
                <td className="vpn-rule-order">
                  <strong>{number}</strong>{' '}
                  <span className="muted position">{t('vpnRulesPosition', { position: rule.position })}</span>
                </td>
                <td>
                  <span className={`tag ${rule.action}`}>
                    {rule.action === 'allow' ? t('vpnRulesAllow') : t('vpnRulesDeny')}
                  </span>
                </td>
                <td>
                  <Names names={rule.users} t={t} />
                </td>
                <td>
                  <Names names={rule.groups} t={t} />
                </td>
                <td className="nowrap">{dateTime(rule.created_at)}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="small move-up"
                      disabled={!movable || index === 0}
                      onClick={() => {
                        onMove(rule.id, index - 1);
                      }}
                    >
                      {t('vpnRulesMoveUp')}
                    </button>
                    <button
                      type="button"
                      className="small move-down"
                      disabled={!movable || index === rules.length - 1}
                      onClick={() => {
                        onMove(rule.id, index + 1);
                      }}
                    >
                      {t('vpnRulesMoveDown')}
                    </button>
                    <button
                      type="button"
                      className="small edit"
                      disabled={locked || editingId !== null}
                      onClick={() => {
                        onEdit(rule.id);
                      }}
                    >
                      {t('vpnRulesEdit')}
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      disabled={locked || editingId !== null}
                      onClick={() => {
                        onRemove(rule, number);
                      }}
                    >
                      {t('vpnRulesRemove')}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
