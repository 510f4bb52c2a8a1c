// The Состояние устройств: объекты и критерии, которым отвечает исправное устройство, профили из них и то, куда каждый профиль может обращаться (правила доступа).:device posture page's texts, in English and in Russian (en.ts and ru.ts take them in).
export const postureEn = {
  postureWhat: 'Device posture',
} as const;

export const postureRu: Record<keyof typeof postureEn, string> = {
  postureWhat:
    ' the objects and criteria a healthy device meets, the profiles made of them, and what each profile may reach (access rules).',
};
