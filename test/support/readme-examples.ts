// The shell examples of README sections, as a reader sees them: each command (continuation lines
// joined) with what the README says about it, the comment on its line and the comment lines below it.

export interface ReadmeCommand {
  /** The section (`## ...` heading, subsections included) it is in. */
  readonly section: string;
  /** The command as written, continuation lines included. */
  readonly text: string;
  /** The same on one line: the key the test's expectations use. */
  readonly line: string;
  /** The comment on its last line and the comment lines right below it, without the `#`. */
  readonly says: string;
}

/** Every command of the ```sh and ```bash blocks of the `## <title>` sections named. */
export function readmeCommands(readme: string, titles: readonly string[]): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const title of titles) {
    const body = sectionBody(readme, title);
    for (const block of body.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```$/gm)) {
      commands.push(...blockCommands(block[1] ?? '', title));
    }
  }
  return commands;
}

function sectionBody(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

function blockCommands(block: string, section: string): ReadmeCommand[] {
  const commands: { section: string; lines: string[]; says: string[] }[] = [];
  let open: string[] | undefined;
  for (const raw of block.split('\n')) {
    const trimmed = raw.trim();
    if (open) {
      open.push(raw);
      if (!raw.endsWith('\\')) open = undefined;
      continue;
    }
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      commands.at(-1)?.says.push(trimmed.replace(/^#\s?/, ''));
      continue;
    }
    const command = { section, lines: [raw], says: [] as string[] };
    commands.push(command);
    if (raw.endsWith('\\')) open = command.lines;
  }
  return commands.map(({ lines, says }) => {
    const [code, comment] = splitComment(lines.join('\n'));
    return { section, text: code, line: code.replace(/\\\n\s*/g, ''), says: [comment, ...says].filter((s) => s !== '').join('\n') };
  });
}

/** `curl ... # 200 {...}` -> ['curl ...', '200 {...}']: a `#` after whitespace outside quotes starts the comment. */
function splitComment(text: string): [string, string] {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i += 1;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i += 1;
    } else if (c === '#' && /\s/.test(text[i - 1] ?? '')) {
      return [text.slice(0, i).trimEnd(), text.slice(i + 1).trim()];
    }
  }
  return [text.trimEnd(), ''];
}
