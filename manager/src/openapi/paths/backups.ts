// Backups of one user's data, restores from them (clones are POST /api/instances with fromBackup).
import { BACKUP_ID_PATTERN } from '../../names/backup-id.js';
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, ref, userIdParameter, type JsonObject } from '../components.js';

const backupIdParameter: JsonObject = {
  name: 'backupId', in: 'path', required: true, description: 'The backup\'s id', schema: { type: 'string', pattern: BACKUP_ID_PATTERN },
};

export const backupPaths: JsonObject = {
  '/api/instances/{userId}/backups': {
    parameters: [userIdParameter],
    post: {
      operationId: 'createBackup',
      summary: 'Back up the user\'s data in the background: a VolumeSnapshot of the data volume on Kubernetes, a copy of the state directory locally',
      description:
        'Answers at once with the pending record; GET its Location until state is ready or failed. With consistency "stopped" (default) ' +
        'a running instance is stopped for the copy and started again (offlineSeconds says for how long); "online" copies it while it runs. ' +
        'Once ready, older ready backups beyond OPENCLAW_BACKUPS_KEEP are deleted (never the newest). A failed backup leaves the instance as it was.',
      requestBody: { ...jsonBody('backup-request'), required: false },
      responses: {
        '202': jsonResponse('Started; the Location header names its record', ref('Backup')),
        '400': errorResponse('Invalid userId or body'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('A backup or restore of this user is in progress'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
    get: {
      operationId: 'listBackups',
      summary: 'The user\'s backups, newest first; they outlive the user\'s instance',
      responses: {
        '200': jsonResponse('The backups', ref('BackupList')),
        '400': errorResponse('Invalid userId'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/backups/{backupId}': {
    parameters: [userIdParameter, backupIdParameter],
    get: {
      operationId: 'getBackup',
      summary: 'One backup\'s record',
      responses: {
        '200': jsonResponse('The record', ref('Backup')),
        '400': errorResponse('Invalid userId or backupId'),
        '404': errorResponse('No such backup'),
        ...COMMON_ERRORS,
      },
    },
    delete: {
      operationId: 'deleteBackup',
      summary: 'Delete a backup (its VolumeSnapshot or copy, and its record)',
      responses: {
        '200': jsonResponse('Deleted', { type: 'object', required: ['deleted', 'backup'], properties: { deleted: { const: true }, backup: ref('Backup') } }),
        '400': errorResponse('Invalid userId or backupId'),
        '404': errorResponse('No such backup'),
        '409': errorResponse('It is still being taken'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/backups/{backupId}/export': {
    parameters: [userIdParameter, backupIdParameter],
    get: {
      operationId: 'exportBackup',
      summary: 'A ready backup\'s data in its portable form: a tar.gz of the OpenClaw state directory\'s contents (openclaw.json at its top)',
      description:
        'Streamed; import it on any manager, either runtime, with POST /api/instances/{userId}/backups/import. On Kubernetes a short-lived ' +
        'pod mounts a volume made from the VolumeSnapshot and serves it to the manager.',
      responses: {
        '200': { description: 'The archive', content: { 'application/gzip': { schema: { type: 'string', contentEncoding: 'binary' } } } },
        '400': errorResponse('Invalid userId or backupId'),
        '404': errorResponse('No such backup'),
        '409': errorResponse('The backup is not ready'),
        '502': errorResponse('Its copy cannot be read'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/backups/import': {
    parameters: [userIdParameter],
    post: {
      operationId: 'importBackup',
      summary: 'Make a ready backup of the user from an exported archive; then restore it, or create the user from it (fromBackup)',
      description:
        'The body is the archive itself, streamed, up to OPENCLAW_BACKUP_IMPORT_MAX_BYTES. It must hold regular files, directories and ' +
        'symlinks (those that point out of it are left out), with openclaw.json at its top. The user needs no instance.',
      requestBody: { required: true, content: { 'application/gzip': { schema: { type: 'string', contentEncoding: 'binary' } } } },
      responses: {
        '201': jsonResponse('Imported; the Location header names its record', ref('Backup')),
        '400': errorResponse('Invalid userId, or not an archive of OpenClaw data (INVALID_ARCHIVE says what is wrong)'),
        '409': errorResponse('A backup, restore or import of this user is in progress'),
        '413': errorResponse('Larger than OPENCLAW_BACKUP_IMPORT_MAX_BYTES'),
        '415': errorResponse('Not sent as application/gzip'),
        '502': errorResponse('Storing it failed (a failed record is kept)'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/restore': {
    parameters: [userIdParameter],
    post: {
      operationId: 'restoreInstance',
      summary: 'Replace the user\'s data with one of their ready backups; answers once the instance is back as it was',
      description:
        'The data it has now is first backed up (reason "before restoring <id>"), with the instance stopped. On Kubernetes the data ' +
        'volume is then recreated from the VolumeSnapshot through the chart; locally the state directory is replaced. When that fails, ' +
        'the data is put back from the first backup and the answer is a 502 saying why. A running instance runs again afterwards.',
      requestBody: jsonBody('restore-request'),
      responses: {
        '200': jsonResponse('Restored (running again if it ran, ready or on its way)', ref('Instance')),
        '400': errorResponse('Invalid userId or body'),
        '404': errorResponse('No such instance or backup'),
        '409': errorResponse('The backup is not ready, or a backup or restore of this user is in progress'),
        '502': errorResponse('The restore failed; the data was put back (RESTORE_FAILED), or could not be (RESTORE_UNDO_FAILED, details.safetyBackupId holds it)'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
};
