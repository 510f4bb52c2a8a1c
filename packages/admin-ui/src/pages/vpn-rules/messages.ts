// The VPN-access rules page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const vpnRulesEn = {
  vpnRulesWhat: 'Who may use the VPN: allow and deny rules for users and groups, in evaluation order.',
} as const;

export const vpnRulesRu: Record<keyof typeof vpnRulesEn, string> = {
  vpnRulesWhat:
    'Кому разрешён VPN: правила «разрешить» и «запретить» для пользователей и групп, по порядку проверки.',
};
