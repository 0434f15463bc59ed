// Errors from reading an EQL query: where in the query text, and whether it is wrong or just beyond us.

export interface EqlPosition {
  /** 0-based character offset in the query text. */
  readonly offset: number;
  /** 1-based line and column, for people. */
  readonly line: number;
  readonly column: number;
}

/**
 * `syntax`: the text is not valid EQL. `unsupported`: valid EQL that this matcher does not evaluate
 * (sequences, pipes, functions, regex, ...); `construct` names it so the operator knows what to change.
 */
export class EqlError extends Error {
  readonly kind: 'syntax' | 'unsupported';
  readonly position: EqlPosition;
  readonly construct: string | undefined;

  constructor(kind: 'syntax' | 'unsupported', message: string, position: EqlPosition, construct?: string) {
    super(`${message} (line ${position.line}, column ${position.column})`);
    this.name = 'EqlError';
    this.kind = kind;
    this.position = position;
    this.construct = construct;
  }
}

export function unsupported(construct: string, position: EqlPosition, why?: string): EqlError {
  const detail = why === undefined ? '' : `: ${why}`;
  return new EqlError('unsupported', `unsupported EQL construct ${construct}${detail}`, position, construct);
}

export function syntaxError(message: string, position: EqlPosition): EqlError {
  return new EqlError('syntax', `EQL syntax error: ${message}`, position);
}
