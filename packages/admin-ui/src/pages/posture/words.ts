// Criteria and expression problems in words for a person, in the console's language.
import type { MessageKey } from '../../i18n/en';
import type { Translate } from '../../i18n';
import type { Check, Criterion } from './model';

export const checkLabel: Readonly<Record<Check, MessageKey>> = {
  os_type: 'postureCheckOsType',
  os_version: 'postureCheckOsVersion',
  domain: 'postureCheckDomain',
  kb_list: 'postureCheckKbList',
  av_active: 'postureCheckAvActive',
  av_name: 'postureCheckAvName',
  av_version: 'postureCheckAvVersion',
  av_update: 'postureCheckAvUpdate',
  av_scan: 'postureCheckAvScan',
  fw_active: 'postureCheckFwActive',
  fw_name: 'postureCheckFwName',
  fw_version: 'postureCheckFwVersion',
  processes: 'postureCheckProcesses',
  services: 'postureCheckServices',
  registry: 'postureCheckRegistry',
};

/** Operators over lists read differently from those over text ("all of" / "contains"). */
const listWords: Readonly<Record<string, MessageKey>> = {
  contains: 'postureOpAllOf',
  does_not_contain: 'postureOpNoneOf',
};
const textWords: Readonly<Record<string, MessageKey>> = {
  contains: 'postureOpContains',
  does_not_contain: 'postureOpNotContains',
};
const versionSigns: Readonly<Record<string, string>> = { '>=': '≥', '<=': '≤', '=': '=' };

/** The operator as the form's menu names it. */
export function operatorWords(operator: string, overList: boolean, t: Translate): string {
  const sign = versionSigns[operator];
  if (sign !== undefined) return sign;
  const key = (overList ? listWords : textWords)[operator];
  return key === undefined ? operator : t(key);
}

/** One criterion in words: "Antivirus signatures: at most 7 days old". */
export function criterionWords(criterion: Criterion, t: Translate): string {
  const label = t(checkLabel[criterion.check]);
  switch (criterion.check) {
    case 'av_active':
    case 'fw_active':
      return label;
    case 'av_update':
    case 'av_scan':
      return `${label}: ${t('postureAtMostDays', { days: criterion.max_days })}`;
    case 'os_type':
    case 'kb_list':
    case 'processes':
    case 'services':
      return `${label}: ${operatorWords(criterion.operator, true, t)} ${criterion.values.join(', ')}`;
    case 'registry': {
      const keys = criterion.keys.map((k) =>
        k.value === undefined
          ? k.key
          : `${k.key} ${k.value.operator === 'equals' ? '=' : t('postureOpContains')} "${k.value.text}"`,
      );
      return `${label}: ${operatorWords(criterion.operator, true, t)} ${keys.join(', ')}`;
    }
    default:
      return `${label}: ${operatorWords(criterion.operator, false, t)} ${criterion.value}`;
  }
}
