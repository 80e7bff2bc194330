// Entry point of the `openclaw` Helm plugin: argv -> command, Ctrl-C -> abort, failures -> one line
// and an exit code. The only file that touches process.
import { parseArgs, wantsDebug, type ManagerConnection, type ParsedArgs } from './args.js';
import { runBackup } from './commands/backup.js';
import { runBackups } from './commands/backups.js';
import type { CommandIo } from './commands/command-io.js';
import { runDeleteBackup } from './commands/delete-backup.js';
import { runHistory } from './commands/history.js';
import { runPair } from './commands/pair.js';
import { runRestore } from './commands/restore.js';
import { runRollback } from './commands/rollback.js';
import { runRpc } from './commands/rpc.js';
import { runStatus } from './commands/status.js';
import { runUpgradeAll } from './commands/upgrade-all.js';
import { runVnc } from './commands/vnc.js';
import { helpText } from './help.js';
import { openInstanceAccess } from './instance-access.js';
import { ManagerClient } from './manager-client.js';
import { reportFailure } from './report-error.js';

function managerOf(connection: ManagerConnection): ManagerClient {
  return new ManagerClient({ baseUrl: connection.managerUrl, apiKey: connection.apiKey });
}

async function run(parsed: ParsedArgs, io: CommandIo): Promise<number> {
  const { command } = parsed;
  switch (command.kind) {
    case 'help':
      io.stdout.write(helpText(command.topic));
      return 0;
    case 'vnc':
      return runVnc(command, io);
    case 'upgrade-all':
      return runUpgradeAll(command, managerOf(command.connection), io);
    case 'rollback':
      return runRollback(command, managerOf(command.connection), io);
    case 'history':
      return runHistory(command, managerOf(command.connection), io);
    case 'backup':
      return runBackup(command, managerOf(command.connection), io);
    case 'backups':
      return runBackups(command, managerOf(command.connection), io);
    case 'restore':
      return runRestore(command, managerOf(command.connection), io);
    case 'delete-backup':
      return runDeleteBackup(command, managerOf(command.connection), io);
    default: {
      const access = await openInstanceAccess(command.userId, command.connection);
      try {
        if (command.kind === 'pair') return await runPair(command, access, io);
        if (command.kind === 'status') return await runStatus(command, access, io);
        return await runRpc(command, access, io);
      } finally {
        await access.close();
      }
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  // First Ctrl-C cancels (the gateway wait included); a second one leaves at once.
  process.once('SIGINT', () => {
    controller.abort(new Error('interrupted'));
    process.once('SIGINT', () => process.exit(130));
  });
  let debug = wantsDebug(argv, process.env);
  try {
    const parsed = parseArgs(argv, process.env);
    debug = parsed.debug;
    return await run(parsed, {
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
      now: () => Date.now(),
      colors: parsed.colors,
    });
  } catch (err) {
    const report = reportFailure(err, { debug, interrupted: controller.signal.aborted });
    process.stderr.write(report.text);
    return report.exitCode;
  }
}

// Sockets of a cancelled call may linger; the command is over, so leave with its code.
process.exit(await main(process.argv.slice(2)));
