// The API tokens and administrators page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const tokensEn = {
  tokensWhat: 'API tokens for scripts, and the administrators who sign in to this console.',
} as const;

export const tokensRu: Record<keyof typeof tokensEn, string> = {
  tokensWhat: 'API-токены для сценариев и администраторы, которые входят в эту консоль.',
};
