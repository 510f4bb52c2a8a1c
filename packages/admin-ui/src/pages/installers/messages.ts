// The installers page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const installersEn = {
  installersWhat: 'The client installers the gateway offers for download, per operating system.',
} as const;

export const installersRu: Record<keyof typeof installersEn, string> = {
  installersWhat: 'Установщики клиента, которые шлюз раздаёт, для каждой операционной системы.',
};
