// Splits a command line into arguments with Windows CommandLineToArgv rules, as Elastic's vendor pipelines do.

/*
 * Elastic's crowdstrike `fdr` and sentinel_one_cloud_funnel pipelines fill `process.args` with a
 * Painless port of Go's pre-2008 CommandLineToArgv, whatever the OS the command ran on. Reproducing
 * it (not POSIX shell rules) is what makes `process.args` agree with Elastic's:
 * - arguments are separated by runs of space or tab outside quotes; no other character separates;
 * - `"` toggles quoting and is dropped; inside quotes, `""` yields one `"` AND ends the quoting;
 * - 2n backslashes before a `"` give n backslashes (the quote still toggles), 2n+1 give n and a
 *   literal `"`; backslashes anywhere else are kept as they are.
 * Empty arguments (from `""`) are returned: the two pipelines treat them differently (CrowdStrike
 * skips them before counting, SentinelOne counts them and only then drops them).
 */

function isSeparator(char: string): boolean {
  return char === ' ' || char === '\t';
}

/** The arguments of `line`, empty ones included, in Elastic's pipelines' Windows splitting. */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (isSeparator(line.charAt(i))) {
      i++;
      continue;
    }
    let arg = '';
    let inQuote = false;
    let backslashes = 0;
    for (; i < line.length; i++) {
      const char = line.charAt(i);
      if (isSeparator(char) && !inQuote) {
        i++;
        break;
      }
      if (char === '"') {
        arg += '\\'.repeat(backslashes >> 1);
        if (backslashes % 2 === 0) {
          if (inQuote && line.charAt(i + 1) === '"') {
            arg += '"';
            i++;
          }
          inQuote = !inQuote;
        } else {
          arg += '"';
        }
        backslashes = 0;
        continue;
      }
      if (char === '\\') {
        backslashes++;
        continue;
      }
      arg += '\\'.repeat(backslashes) + char;
      backslashes = 0;
    }
    args.push(arg + '\\'.repeat(backslashes));
  }
  return args;
}
