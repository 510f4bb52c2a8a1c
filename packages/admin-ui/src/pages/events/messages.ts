// The event log page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const eventsEn = {
  eventsWhat: 'Logins, refusals, ended sessions and every change made, newest first.',
} as const;

export const eventsRu: Record<keyof typeof eventsEn, string> = {
  eventsWhat: 'Входы, отказы, завершённые сеансы и все изменения, сначала новые.',
};
