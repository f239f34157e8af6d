/**
 * `earshot <command>`: the command line. Each command lives in `server/commands/<name>.command.ts`
 * and is imported only when it runs, so `earshot --help` stays instant and `earshot score`
 * does not load the web server.
 */
export interface Command {
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

type Loader = () => Promise<{ command: Command }>;

/** Add a command here: its summary for `earshot --help`, and a lazy import of its module. */
const commands: Record<string, { summary: string; load: Loader }> = {
  serve: { summary: 'run the API, the dashboard and the enabled sources', load: () => import('./commands/serve.command') },
  migrate: { summary: 'apply pending database migrations and exit', load: () => import('./commands/migrate.command') },
  group: { summary: 'group complaints and questions read as JSONL on stdin into issues', load: () => import('./commands/group.command') },
  import: { summary: 'import posts from a JSONL, CSV or JSON export file', load: () => import('./commands/import.command') },
  user: { summary: 'add, list, disable users and reset their passwords', load: () => import('./commands/user.command') },
  token: { summary: 'create, list and revoke API tokens', load: () => import('./commands/token.command') },
  score: { summary: 'score posts read on stdin (text or JSONL), one JSON line out per post', load: () => import('./commands/score.command') },
  eval: { summary: 'accuracy of the sentiment engine on a labelled file, before and after corrections', load: () => import('./commands/eval.command') },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: earshot <command> [options]', '', 'Commands:', ...lines, '', 'earshot <command> --help shows its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { version } = await import('./version');
    console.log(version);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`earshot: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run(rest);
}
