// Age scopes, declared once: 0-17 (children, the default), 18-24 (young adults), and
// 0-24. The measures are built for each; a measure that names its own ages ignores them.

export const AGE_SCOPES = ['0-17', '18-24', '0-24'] as const;
export type AgeScope = (typeof AGE_SCOPES)[number];
export const DEFAULT_AGE_SCOPE: AgeScope = '0-17';
