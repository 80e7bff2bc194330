// The plugins every instance needs are installed once per version into a read-only seed (a state dir
// of their own, made by `openclaw plugins install`), never into each user's state. OpenClaw trusts an
// official plugin (WhatsApp's durable inbound queue needs that trust) when the state's SQLite plugin
// index holds its npm install record and the plugin loads from that record's installPath, wherever
// that is; plugins.load.paths and --link installs are never trusted. So a user's state gets the
// seed's index, not the plugin:
//   prepare <seed>        after the install: strips the seed down to its plugins and its database down
//                         to the plugin index, writes <seed>/install-records.json and makes it all
//                         readable to any uid. Run once, where the seed is built.
//   apply <seed> <state>  before each gateway start: a new state gets a copy of the seed's database
//                         (about 2 MB, milliseconds); an existing one gets the seed's records put in
//                         its index where they differ (an older version, an own copy).
// Needs node:sqlite (Node >= 22.13: the gateway's Node, not necessarily the one on PATH).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const INDEX_KEY = 'plugins.installedIndex';
const RECORDS_FILE = 'install-records.json';

const databaseOf = (stateDir) => path.join(stateDir, 'state', 'openclaw.sqlite');

function readIndex(db, file) {
  const row = db.prepare('SELECT value_json FROM config_machine_state WHERE state_key = ?').get(INDEX_KEY);
  if (!row) throw new Error(`${file} has no plugin index (${INDEX_KEY})`);
  return JSON.parse(row.value_json);
}

function writeIndex(db, value) {
  db.prepare('UPDATE config_machine_state SET value_json = ?, updated_at_ms = ? WHERE state_key = ?')
    .run(JSON.stringify(value), Date.now(), INDEX_KEY);
}

export function prepare(seedDir) {
  const file = databaseOf(seedDir);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`openclaw plugins install\` with OPENCLAW_STATE_DIR=${seedDir} first`);
  const db = new DatabaseSync(file);
  let records;
  try {
    records = readIndex(db, file).index?.installRecords ?? {};
    if (Object.keys(records).length === 0) throw new Error(`${file} records no plugin install`);
    for (const [id, record] of Object.entries(records)) {
      if (record.source !== 'npm' || typeof record.installPath !== 'string' || !record.installPath.startsWith(`${path.resolve(seedDir)}/`)) {
        throw new Error(`plugin ${id} is not an npm install inside ${seedDir} (${record.source} at ${record.installPath})`);
      }
    }
    // Only the index travels to users: nothing the install happened to log about the seed itself.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_meta'").all();
    for (const { name } of tables) {
      if (name === 'config_machine_state') db.prepare('DELETE FROM config_machine_state WHERE state_key <> ?').run(INDEX_KEY);
      else db.exec(`DELETE FROM "${name.replaceAll('"', '""')}"`);
    }
    db.exec('VACUUM');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    writeFileSync(path.join(seedDir, RECORDS_FILE), `${JSON.stringify(records, null, 2)}\n`, { mode: 0o644 });
  } finally {
    db.close();
  }
  // The seed keeps what instances use: the plugins and the index (no logs, keys or config of its own).
  for (const entry of readdirSync(seedDir)) {
    if (!['npm', 'state', RECORDS_FILE].includes(entry)) rmSync(path.join(seedDir, entry), { recursive: true, force: true });
  }
  // Every instance reads the seed, whichever uid it runs as; it holds install records, no secrets.
  chmodSync(seedDir, 0o755);
  chmodSync(path.dirname(file), 0o755);
  chmodSync(file, 0o644);
  return Object.keys(records);
}

/** @returns what was done: "seeded", "updated" or "unchanged". */
export function apply(seedDir, stateDir) {
  const records = JSON.parse(readFileSync(path.join(seedDir, RECORDS_FILE), 'utf8'));
  const file = databaseOf(stateDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.seeding`;
    copyFileSync(databaseOf(seedDir), partial);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    return 'seeded';
  }
  const db = new DatabaseSync(file);
  try {
    const value = readIndex(db, file);
    const current = value.index.installRecords ?? {};
    const stale = Object.keys(records).filter((id) => JSON.stringify(current[id]) !== JSON.stringify(records[id]));
    if (stale.length === 0) return 'unchanged';
    value.index.installRecords = { ...current, ...records };
    writeIndex(db, value);
    return 'updated';
  } finally {
    db.close();
  }
}

function main([command, seedDir, stateDir]) {
  if (command === 'prepare' && seedDir) {
    process.stdout.write(`plugin seed ${seedDir}: ${prepare(seedDir).join(', ')}\n`);
  } else if (command === 'apply' && seedDir && stateDir) {
    process.stdout.write(`plugins from ${seedDir}: ${apply(seedDir, stateDir)}\n`);
  } else {
    throw new Error('usage: plugin-seed.mjs prepare <seed> | apply <seed> <state>');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`plugin-seed: ${err.message}\n`);
    process.exit(1);
  }
}
