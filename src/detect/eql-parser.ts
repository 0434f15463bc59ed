// Parses the supported EQL subset into an AST; anything valid but unsupported is refused by name.
import type { EqlQuery, Expr, FieldRef, Literal } from './eql-ast.js';
import { syntaxError, unsupported } from './eql-error.js';
import { TokenStream, type Keyword, type SymbolText, type Token } from './eql-lexer.js';

const UNSUPPORTED_COMPARISONS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);
const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);

export function parseEql(text: string): EqlQuery {
  return new Parser(new TokenStream(text)).query();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: TokenStream) {}

  query(): EqlQuery {
    const first = this.peek();
    if (first.type === 'keyword' && (first.value === 'sequence' || first.value === 'sample' || first.value === 'join')) {
      throw unsupported(`\`${first.value}\``, first.at, 'only single-event queries (<category> where <condition>) are evaluated');
    }
    let category: string | undefined;
    if (first.type === 'name' && first.segments.length === 1) {
      category = first.segments[0] === 'any' && !first.quoted ? undefined : first.segments[0];
    } else if (first.type === 'string') {
      category = first.value;
    } else {
      throw syntaxError(`expected an event category (e.g. \`process\` or \`any\`), found ${describe(first)}`, first.at);
    }
    this.index++;
    this.expectKeyword('where');
    const condition = this.orExpr();
    const next = this.peek();
    if (isSymbol(next, '|')) {
      const command = this.tokens.get(this.index + 1);
      const name = command?.type === 'name' ? command.text : command?.type === 'keyword' ? command.value : '';
      throw unsupported(`pipe \`| ${name}\``, next.at, 'pipes act on result sets, not on single events');
    }
    if (next.type === 'keyword' && (next.value === 'by' || next.value === 'with' || next.value === 'until')) {
      throw unsupported(`\`${next.value}\``, next.at);
    }
    if (next.type !== 'eof') throw syntaxError(`unexpected ${describe(next)} after the condition`, next.at);
    return { category, condition };
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.notExpr() };
    return left;
  }

  private notExpr(): Expr {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.notExpr() };
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    if (isSymbol(token, '(')) {
      this.index++;
      const inner = this.orExpr();
      this.expectSymbol(')');
      return inner;
    }
    if (token.type === 'keyword' && (token.value === 'true' || token.value === 'false')) {
      this.index++;
      return { kind: 'constant', value: token.value === 'true' };
    }
    if (token.type === 'name') return this.comparison(token);
    if (token.type === 'string' || token.type === 'number') {
      throw unsupported('literal on the left of a comparison', token.at, 'write the field first');
    }
    throw syntaxError(`expected a condition, found ${describe(token)}`, token.at);
  }

  private comparison(nameToken: Extract<Token, { type: 'name' }>): Expr {
    this.index++;
    const next = this.peek();
    if (isSymbol(next, '(') || (isSymbol(next, '~') && isSymbol(this.tokens.get(this.index + 1), '('))) {
      const tilde = isSymbol(next, '~') ? '~' : '';
      throw unsupported(`function \`${nameToken.text}${tilde}()\``, nameToken.at, 'functions are not evaluated');
    }
    if (isSymbol(next, '[')) throw unsupported(`array index \`${nameToken.text}[...]\``, next.at);
    if (next.type === 'keyword' && next.value === 'of') throw unsupported(`lineage \`${nameToken.text} of\``, next.at);
    const field: FieldRef = { path: nameToken.segments, name: nameToken.segments.join('.'), at: nameToken.at };
    this.index++;

    if (next.type === 'symbol') {
      switch (next.value) {
        case '==':
          return { kind: 'equals', field, values: [this.literal()], caseInsensitive: false };
        case '!=':
          return { kind: 'not', operand: { kind: 'equals', field, values: [this.literal()], caseInsensitive: false } };
        case ':':
          return { kind: 'like', field, patterns: this.patterns(':'), caseInsensitive: true };
        case '=':
          throw syntaxError('use == for equality', next.at);
        default:
          if (UNSUPPORTED_COMPARISONS.has(next.value)) throw unsupported(`comparison \`${next.value}\``, next.at);
          if (ARITHMETIC.has(next.value)) throw unsupported(`arithmetic \`${next.value}\``, next.at);
      }
    }
    if (next.type === 'keyword') {
      switch (next.value) {
        case 'in':
        case 'in~':
          return { kind: 'equals', field, values: this.literalList(next.value), caseInsensitive: next.value === 'in~' };
        case 'like':
        case 'like~':
          return { kind: 'like', field, patterns: this.patterns(next.value), caseInsensitive: next.value === 'like~' };
        case 'regex':
        case 'regex~':
          throw unsupported(`\`${next.value}\``, next.at, 'Lucene regular expressions are not translated');
        case 'not': {
          const operator = this.peek();
          if (operator.type === 'keyword' && (operator.value === 'in' || operator.value === 'in~')) {
            this.index++;
            const values = this.literalList(operator.value);
            return { kind: 'not', operand: { kind: 'equals', field, values, caseInsensitive: operator.value === 'in~' } };
          }
          throw syntaxError(`expected \`in\` after \`${nameToken.text} not\`, found ${describe(operator)}`, operator.at);
        }
        default:
          break;
      }
    }
    if (next.type === 'eof' || next.type === 'keyword' || isSymbol(next, ')')) {
      throw unsupported(`bare field \`${nameToken.text}\` as a condition`, nameToken.at, 'compare it to a value');
    }
    throw syntaxError(`expected a comparison operator after \`${nameToken.text}\`, found ${describe(next)}`, next.at);
  }

  /** `( literal, ... )` for `in` / `in~`. */
  private literalList(operator: string): Literal[] {
    this.expectSymbol('(', `\`${operator}\` needs a parenthesised list`);
    const values: Literal[] = [this.literal()];
    while (this.acceptSymbol(',')) values.push(this.literal());
    this.expectSymbol(')');
    return values;
  }

  /** A single string or a parenthesised list of strings, for `:` / `like` / `like~`. */
  private patterns(operator: string): string[] {
    if (!this.acceptSymbol('(')) return [this.stringLiteral(operator)];
    const patterns = [this.stringLiteral(operator)];
    while (this.acceptSymbol(',')) patterns.push(this.stringLiteral(operator));
    this.expectSymbol(')');
    return patterns;
  }

  private stringLiteral(operator: string): string {
    const token = this.peek();
    if (token.type !== 'string') {
      throw syntaxError(`\`${operator}\` needs a string pattern, found ${describe(token)}`, token.at);
    }
    this.index++;
    return token.value;
  }

  private literal(): Literal {
    const token = this.peek();
    this.index++;
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'keyword') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      if (token.value === 'null') return null;
    }
    if (isSymbol(token, '-')) {
      const number = this.peek();
      if (number.type === 'number') {
        this.index++;
        return -number.value;
      }
    }
    if (token.type === 'name') throw unsupported(`field-to-field comparison with \`${token.text}\``, token.at);
    throw syntaxError(`expected a value (string, number, true, false or null), found ${describe(token)}`, token.at);
  }

  private peek(): Token {
    return this.tokens.get(this.index);
  }

  private acceptKeyword(value: Keyword): boolean {
    const token = this.peek();
    if (token.type === 'keyword' && token.value === value) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectKeyword(value: Keyword): void {
    const token = this.peek();
    if (!this.acceptKeyword(value)) throw syntaxError(`expected \`${value}\`, found ${describe(token)}`, token.at);
  }

  private acceptSymbol(value: SymbolText): boolean {
    if (isSymbol(this.peek(), value)) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectSymbol(value: SymbolText, hint?: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(value)) {
      const prefix = hint === undefined ? '' : `${hint}: `;
      throw syntaxError(`${prefix}expected \`${value}\`, found ${describe(token)}`, token.at);
    }
  }
}

function isSymbol(token: Token | undefined, value: SymbolText): boolean {
  return token?.type === 'symbol' && token.value === value;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of query';
    case 'name':
      return `\`${token.text}\``;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'number':
      return `number ${token.text}`;
    case 'keyword':
    case 'symbol':
      return `\`${token.value}\``;
  }
}
