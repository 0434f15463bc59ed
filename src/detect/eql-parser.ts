// Parses single-event EQL (Elasticsearch's grammar) into an AST; valid EQL we cannot evaluate is refused by name.
import { fieldsOf, type ComparisonOperator, type EqlQuery, type Expr, type FieldRef } from './eql-ast.js';
import { syntaxError, unsupported } from './eql-error.js';
import { EQL_FUNCTIONS } from './eql-functions.js';
import { TokenStream, type Keyword, type SymbolText, type Token } from './eql-lexer.js';

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const LINEAGE: ReadonlySet<string> = new Set(['descendant', 'child', 'event']);

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
      const name = command.type === 'name' ? command.text : command.type === 'keyword' ? command.value : '';
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
    return this.comparison();
  }

  /** `a op b` for one comparison operator; Elasticsearch does not chain them, nor compare two fields. */
  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (isSymbol(token, '=')) throw syntaxError('use == for equality', token.at);
    if (token.type !== 'symbol' || !COMPARISONS.has(token.value)) return left;
    this.index++;
    const right = this.additive();
    const after = this.peek();
    if (after.type === 'symbol' && COMPARISONS.has(after.value))
      throw syntaxError('comparisons cannot be chained; join them with `and`', after.at);
    if (fieldsOf(left).size > 0 && fieldsOf(right).size > 0) {
      throw unsupported('comparison of a field with another field', token.at, 'Elasticsearch EQL refuses it too');
    }
    return { kind: 'compare', op: token.value as ComparisonOperator, left, right };
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let token = this.peek(); token.type === 'symbol' && (token.value === '+' || token.value === '-'); token = this.peek()) {
      this.index++;
      left = { kind: 'arith', op: token.value, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (
      let token = this.peek();
      token.type === 'symbol' && (token.value === '*' || token.value === '/' || token.value === '%');
      token = this.peek()
    ) {
      this.index++;
      left = { kind: 'arith', op: token.value, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.acceptSymbol('-')) {
      const operand = this.unary();
      return operand.kind === 'literal' && typeof operand.value === 'number'
        ? { ...operand, value: -operand.value }
        : { kind: 'negate', operand };
    }
    if (this.acceptSymbol('+')) return this.unary();
    return this.predicate(this.primary());
  }

  /** The suffixes of a value: `in`, `not in`, `:`, `like`, `regex` and their `~` forms. */
  private predicate(operand: Expr): Expr {
    const token = this.peek();
    if (token.type === 'keyword' && token.value === 'not') {
      const next = this.tokens.get(this.index + 1);
      if (next.type === 'keyword' && (next.value === 'in' || next.value === 'in~')) {
        this.index += 2;
        return { kind: 'not', operand: this.inList(operand, next.value) };
      }
      return operand;
    }
    if (token.type === 'keyword' && (token.value === 'in' || token.value === 'in~')) {
      this.index++;
      return this.inList(operand, token.value);
    }
    if (isSymbol(token, ':')) {
      this.index++;
      return { kind: 'pattern', op: 'seq', operand, patterns: this.patterns(':'), caseInsensitive: true };
    }
    if (
      token.type === 'keyword' &&
      (token.value === 'like' || token.value === 'like~' || token.value === 'regex' || token.value === 'regex~')
    ) {
      this.index++;
      const op = token.value.startsWith('like') ? 'like' : 'regex';
      return { kind: 'pattern', op, operand, patterns: this.patterns(token.value), caseInsensitive: token.value.endsWith('~') };
    }
    return operand;
  }

  private inList(operand: Expr, operator: 'in' | 'in~'): Expr {
    this.expectSymbol('(', `\`${operator}\` needs a parenthesised list`);
    const list: Expr[] = [this.orExpr()];
    while (this.acceptSymbol(',')) list.push(this.orExpr());
    this.expectSymbol(')');
    if (fieldsOf(operand).size > 0 && list.some((item) => fieldsOf(item).size > 0)) {
      throw unsupported(
        '`in` list holding a field',
        operand.kind === 'field' ? operand.field.at : this.peek().at,
        'Elasticsearch EQL refuses field-to-field comparisons',
      );
    }
    return { kind: 'in', operand, list, caseInsensitive: operator === 'in~' };
  }

  /** A single string or a parenthesised list of strings, for `:` / `like` / `regex`. */
  private patterns(operator: string): string[] {
    if (!this.acceptSymbol('(')) return [this.stringLiteral(operator)];
    const patterns = [this.stringLiteral(operator)];
    while (this.acceptSymbol(',')) patterns.push(this.stringLiteral(operator));
    this.expectSymbol(')');
    return patterns;
  }

  private stringLiteral(operator: string): string {
    const token = this.peek();
    if (token.type !== 'string') throw syntaxError(`\`${operator}\` needs a string pattern, found ${describe(token)}`, token.at);
    this.index++;
    return token.value;
  }

  private primary(): Expr {
    const token = this.peek();
    if (isSymbol(token, '(')) {
      this.index++;
      const inner = this.orExpr();
      this.expectSymbol(')');
      return inner;
    }
    if (token.type === 'string') {
      this.index++;
      return { kind: 'literal', value: token.value };
    }
    if (token.type === 'number') {
      this.index++;
      return /[.eE]/.test(token.text) ? { kind: 'literal', value: token.value, float: true } : { kind: 'literal', value: token.value };
    }
    if (token.type === 'keyword' && (token.value === 'true' || token.value === 'false' || token.value === 'null')) {
      this.index++;
      return { kind: 'literal', value: token.value === 'null' ? null : token.value === 'true' };
    }
    const optional = isSymbol(token, '?');
    const nameToken = optional ? this.tokens.get(this.index + 1) : token;
    if (nameToken.type !== 'name') throw syntaxError(`expected a condition or a value, found ${describe(nameToken)}`, nameToken.at);
    this.index += optional ? 2 : 1;
    const next = this.peek();
    if (!optional && nameToken.segments.length === 1 && !nameToken.quoted) {
      if (isSymbol(next, '(') || (isSymbol(next, '~') && isSymbol(this.tokens.get(this.index + 1), '(')))
        return this.call(nameToken, isSymbol(next, '~'));
      if (next.type === 'keyword' && next.value === 'of' && LINEAGE.has(nameToken.text)) {
        throw unsupported(`\`${nameToken.text} of\``, nameToken.at, 'lineage needs the state of earlier events');
      }
    }
    if (isSymbol(next, '[')) throw unsupported(`array index \`${nameToken.text}[...]\``, next.at);
    const field: FieldRef = {
      path: nameToken.segments,
      name: nameToken.segments.join('.'),
      at: nameToken.at,
      ...(optional ? { optional } : {}),
      ...(nameToken.dotted ? { dotted: true } : {}),
    };
    return { kind: 'field', field };
  }

  private call(nameToken: Extract<Token, { type: 'name' }>, tilde: boolean): Expr {
    const name = nameToken.text.toLowerCase();
    const spec = EQL_FUNCTIONS[name];
    if (spec === undefined)
      throw unsupported(`function \`${nameToken.text}${tilde ? '~' : ''}()\``, nameToken.at, 'not an Elasticsearch EQL function');
    if (tilde && !spec.tilde) throw syntaxError(`function \`${nameToken.text}\` has no case-insensitive (~) form`, nameToken.at);
    this.index += tilde ? 2 : 1;
    const args: Expr[] = [];
    if (!this.acceptSymbol(')')) {
      do args.push(this.orExpr());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const range =
        spec.maxArgs === spec.minArgs
          ? `${spec.minArgs}`
          : spec.maxArgs === Number.POSITIVE_INFINITY
            ? `at least ${spec.minArgs}`
            : `${spec.minArgs} to ${spec.maxArgs}`;
      throw syntaxError(`function \`${nameToken.text}\` takes ${range} arguments, got ${args.length}`, nameToken.at);
    }
    return { kind: 'call', name, caseInsensitive: tilde, args, at: nameToken.at };
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
    if (!this.acceptSymbol(value))
      throw syntaxError(`${hint === undefined ? '' : `${hint}: `}expected \`${value}\`, found ${describe(token)}`, token.at);
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
