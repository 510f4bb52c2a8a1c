// The directory page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const directoryEn = {
  directoryWhat:
    'The Active Directory users log in against, single sign-on (Kerberos keytab, NTLM) and the groups of administrators.',
} as const;

export const directoryRu: Record<keyof typeof directoryEn, string> = {
  directoryWhat:
    'Active Directory, по которой входят пользователи, единый вход (keytab Kerberos, NTLM) и группы администраторов.',
};
