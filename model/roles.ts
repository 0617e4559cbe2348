// Who reads the dataset, declared once, and the disclosure rule each role's figures
// pass (../shared/met-dataset.md, "Disclosure control by audience"):
//  - the analyst sees exact figures (nothing withheld);
//  - board members and commissioners are partners: the partner rule;
//  - public is anything that leaves the partnership: the published rule.

export const ROLES = ['analyst', 'board', 'commissioner', 'public'] as const;
export type Role = (typeof ROLES)[number];

export const AUDIENCES = ['exact', 'partner', 'published'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The disclosure rule a role's figures pass. */
export function audienceOf(role: Role): Audience {
  if (role === 'analyst') return 'exact';
  if (role === 'public') return 'published';
  return 'partner';
}
