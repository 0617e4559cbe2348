// The quarantine endpoint shows why a row was refused, but never a pseudonym that a
// reason quotes (a repeated key of the SSDA903 files holds the child's).

import { describe, expect, it } from 'vitest';
import { withoutPseudonyms } from '../../server/app.js';

describe('quarantine reasons', () => {
  it('withhold a pseudonym quoted in a repeated-key reason', () => {
    expect(
      withoutPseudonyms('ssda903_missing', 'child 3HobcGj6-gsKvwOO7duXKR, mis_start 30/04/2022 repeats an earlier row (line 10); the first row is kept'),
    ).toBe('child (pseudonym withheld), mis_start 30/04/2022 repeats an earlier row (line 10); the first row is kept');
    expect(withoutPseudonyms('ssda903_header', 'child abc repeats an earlier row (line 3); the first row is kept')).toBe(
      'child (pseudonym withheld) repeats an earlier row (line 3); the first row is kept',
    );
    // Today's reasons name the key's columns, never its values: left whole.
    for (const reason of [
      'child and mis_start together repeat an earlier row (line 68); the first row is kept',
      'child repeats an earlier row (line 3); the first row is kept',
    ]) {
      expect(withoutPseudonyms('ssda903_missing', reason)).toBe(reason);
    }
    expect(withoutPseudonyms('population', 'year 2021, area Portsmouth repeats an earlier row (line 1)')).toBe(
      'year 2021, area Portsmouth repeats an earlier row (line 1)',
    );
  });
});
