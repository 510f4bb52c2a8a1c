// The users and groups page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const usersEn = {
  usersWhat: 'Local users (add, disable, set a password, remove) and the groups VPN-access rules name.',
} as const;

export const usersRu: Record<keyof typeof usersEn, string> = {
  usersWhat:
    'Локальные пользователи (добавить, отключить, задать пароль, удалить) и группы для правил доступа по VPN.',
};
