// `helm openclaw status <userId>`: the WhatsApp link state, as a line (and the gateway's issues) or JSON.
import { describeWhatsAppStatus } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import type { InstanceAccess } from '../instance-api.js';
import type { CommandIo } from './command-io.js';

export type StatusCommand = Extract<Command, { kind: 'status' }>;

export async function runStatus(command: StatusCommand, access: InstanceAccess, io: CommandIo): Promise<number> {
  const status = await access.whatsapp.status(io.signal);
  if (command.json) {
    io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${describeWhatsAppStatus(status)}\n`);
  for (const issue of status.issues) io.stdout.write(`  - ${issue}\n`);
  return 0;
}
