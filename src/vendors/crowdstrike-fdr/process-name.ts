// process.args and process.name of an FDR event as Elastic's fdr pipeline derives them from CommandLine and ImageFileName.
import { splitWindowsCommandLine } from '../shared/command-line.js';

/** The text after the last `token`, as Painless `splitOnToken(token)[-1]` gives it. */
function afterLast(text: string, token: string): string {
  return text.slice(text.lastIndexOf(token) + 1);
}

function processName(executable: string): string {
  if (executable.startsWith('\\')) return afterLast(executable, '\\');
  if (executable.startsWith('/')) return afterLast(executable, '/');
  return executable;
}

/** Elastic splits only when it knew the OS, and skips empty arguments before counting. */
export function processArgs(commandLine: string | undefined, osType: string | undefined): string[] | undefined {
  return commandLine && osType !== undefined ? splitWindowsCommandLine(commandLine).filter((arg) => arg !== '') : undefined;
}

/** process.name of a non-empty image path; `args` is asked for only in the rare case that needs it. */
export function processNameOf(executable: string, args: () => string[] | undefined): string {
  const name = processName(executable);
  if (executable !== '/' || name !== '') return name;
  // runc re-executing itself in a container reports "/" as its image; the name comes from argv[0].
  const argv = args();
  return argv && argv.length > 0 ? afterLast(argv[0] as string, '/') : name;
}
