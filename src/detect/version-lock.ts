// Reads detection-rules' version.lock.json: rule versions by rule_id, kept there instead of in the rule files.

/**
 * The lock maps each rule_id to `{ rule_name, sha256, type, version, min_stack_version?, previous? }`;
 * only the current `version` matters here. Entries without an integer version are skipped; a file
 * that is not such a JSON object is an error naming the file.
 */
export function parseVersionLock(text: string, file: string): Map<string, number> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error(`${file}: expected an object of rule_id -> { version, ... }`);
  }
  const versions = new Map<string, number>();
  for (const [ruleId, entry] of Object.entries(document)) {
    const version = typeof entry === 'object' && entry !== null ? (entry as { version?: unknown }).version : undefined;
    if (typeof version === 'number' && Number.isInteger(version) && version > 0) versions.set(ruleId, version);
  }
  return versions;
}
