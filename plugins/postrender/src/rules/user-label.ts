// Rule user-label: every object carries `openclaw.ai/user`, and one render belongs to one user. The
// manager finds a user's objects by this label, so an unlabelled or foreign object would be invisible
// to it or shown to the wrong user.
import { USER_LABEL } from 'openclaw-platform/core';
import { labelsOf, objectRef, type Violation } from '../manifest.js';
import type { Rule } from './rule.js';

export const RULE = 'user-label';

export const userLabel: Rule = (docs) => {
  const violations: Violation[] = [];
  let first: { user: string; object: string } | undefined;
  for (const doc of docs) {
    const object = objectRef(doc);
    const user = labelsOf(doc)[USER_LABEL];
    if (user === undefined || user === '') {
      violations.push({ object, rule: RULE, message: `lacks label ${USER_LABEL}` });
    } else if (!first) {
      first = { user, object };
    } else if (user !== first.user) {
      violations.push({
        object,
        rule: RULE,
        message: `label ${USER_LABEL}=${user} differs from ${first.user} (on ${first.object}); one render must belong to one user`,
      });
    }
  }
  return violations;
};
