// The exemptions page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const exemptionsEn = {
  exemptionsTitle: 'Exemptions from enforcement',
  exemptionsIntro:
    'On the enforced interfaces nothing is forwarded for an address without a session. Exemptions are the hosts and destinations that need no session: they apply within a second.',
  exemptionFromTitle: 'Hosts that forward without a session',
  exemptionFromHint: 'Servers, printers and other devices nobody logs in on.',
  exemptionToTitle: 'Destinations anyone may reach without a session',
  exemptionToHint: 'The domain controllers, DNS and DHCP servers, the gateway’s own services.',
  exemptionNetwork: 'Network or address',
  exemptionNetworkHint: 'A CIDR such as 10.0.5.0/24, or one address (10.0.5.7 or 2001:db8::7).',
  exemptionAdd: 'Add',
  exemptionAdding: 'Adding…',
  exemptionAdded: 'When added',
  exemptionNone: 'None.',
  exemptionRemove: 'Remove',
  exemptionRemoveTitle: 'Remove the exemption of {network}?',
  exemptionRemoveFromText:
    'Within a second {network} can no longer forward without a session: its connections through the gateway stop.',
  exemptionRemoveToText:
    'Within a second hosts without a session can no longer reach {network}: their connections to it stop.',
  exemptionCount: '{count} in all',
} as const;

export const exemptionsRu: Record<keyof typeof exemptionsEn, string> = {
  exemptionsTitle: 'Исключения из контроля доступа',
  exemptionsIntro:
    'На контролируемых интерфейсах для адреса без сеанса ничего не пересылается. Исключения — это узлы и адреса назначения, которым сеанс не нужен; они действуют через секунду.',
  exemptionFromTitle: 'Узлы, которые работают без сеанса',
  exemptionFromHint: 'Серверы, принтеры и другие устройства, на которых никто не входит.',
  exemptionToTitle: 'Адреса, доступные всем без сеанса',
  exemptionToHint: 'Контроллеры домена, серверы DNS и DHCP, службы самого шлюза.',
  exemptionNetwork: 'Сеть или адрес',
  exemptionNetworkHint: 'CIDR, например 10.0.5.0/24, или один адрес (10.0.5.7 или 2001:db8::7).',
  exemptionAdd: 'Добавить',
  exemptionAdding: 'Добавление…',
  exemptionAdded: 'Добавлено',
  exemptionNone: 'Нет.',
  exemptionRemove: 'Удалить',
  exemptionRemoveTitle: 'Удалить исключение для {network}?',
  exemptionRemoveFromText:
    'Через секунду {network} больше не сможет работать без сеанса: его соединения через шлюз прервутся.',
  exemptionRemoveToText:
    'Через секунду узлы без сеанса больше не смогут обращаться к {network}: их соединения с ним прервутся.',
  exemptionCount: 'Всего: {count}',
};
