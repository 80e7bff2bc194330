// Fills the {userId}, {service} and {namespace} placeholders of a gateway/VNC URL template.
import { objectName } from '../names/object-names.js';

export interface TemplateValues {
  readonly userId: string;
  readonly namespace: string;
}

/** @example fillUrlTemplate('ws://{service}.{namespace}.svc:18789', {userId:'a', namespace:'n'}) -> 'ws://a-openclaw.n.svc:18789' */
export function fillUrlTemplate(template: string, values: TemplateValues): string {
  const replacements: Record<string, string> = {
    userId: values.userId,
    service: objectName(values.userId),
    namespace: values.namespace,
  };
  return template.replace(/\{(userId|service|namespace)\}/g, (_, name: string) => replacements[name] ?? '');
}
