// Kubernetes LabelSelector semantics (matchLabels AND matchExpressions; an empty selector selects
// everything). https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
import { asRecord, asRecords, stringMap } from './manifest.js';

/** Whether `selector` (a LabelSelector object; absent = empty) selects an object with `labels`. */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const { matchLabels, matchExpressions } = asRecord(selector);
  for (const [key, value] of Object.entries(stringMap(matchLabels))) {
    if (labels[key] !== value) return false;
  }
  return asRecords(matchExpressions).every((expression) => {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const present = Object.hasOwn(labels, key);
    switch (expression.operator) {
      case 'In':
        return present && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !present || !values.includes(labels[key] ?? '');
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
}
