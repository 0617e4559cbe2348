// Who reads the dataset, declared once. The analyst sees exact figures; the board and
// commissioners see figures under disclosure control.

export const ROLES = ['analyst', 'board', 'commissioner'] as const;
export type Role = (typeof ROLES)[number];
