// Per writer schema, a generated reader that builds only a projection's fields, skips the rest, and reuses repeated records.
import type avro from 'avsc';
import type { AvroRecord } from '../vendors/types.js';
import { Generator, pathTree, Unsupported } from './reader-codegen.js';
import { ReaderRuntime } from './reader-runtime.js';

/*
 * Why: projected decoding through avsc's resolver still walks every skipped field through a chain
 * of `_skip` calls on a Tap object (three or four calls per nullable string). For a record the rule
 * does not match, which is ~99% of them, skipping is most of the work. The generated reader inlines
 * it: one varint read and a position bump per skipped string, no calls, no allocation; only the
 * projected fields become values. It is used only when the writer's projection equals the
 * reader's, so no resolution rules (defaults, promotions, renames) are needed. Anything unusual
 * inside a kept field (maps, bytes, fixed, floats, big longs, wrapped unions) is read by avsc.
 *
 * The fields a rule reads (OS, action, category, process name) take few distinct values, so most
 * records project to one seen moments ago. A scan notes the bytes of the kept values; when they
 * equal a remembered record's, that record (frozen, shared) is returned without building strings
 * or objects. Where values do not repeat, the reader notices and stops trying for a while.
 */

/** A compiled reader; `end` and `failure` describe the last `read` (single-threaded, so shared state is safe). */
export interface CompiledReader {
  /**
   * The projected record of the body at `offset`, or undefined when the bytes are not a valid
   * record. The record may be one returned before for the same projected values: it is frozen.
   */
  read(buf: Buffer, offset: number): AvroRecord | undefined;
  /** Position after the last record read (valid only after a successful read). */
  readonly end: number;
  /** Why the last read failed, when the bytes said so (bad union or enum index); undefined for a short body. */
  readonly failure: string | undefined;
}

type Generated = (buf: Buffer, pos: number) => unknown;

class ProjectionReader implements CompiledReader {
  constructor(
    private readonly runtime: ReaderRuntime,
    private readonly readFresh: Generated,
    private readonly scan: Generated,
  ) {}

  get end(): number {
    return this.runtime.end;
  }

  get failure(): string | undefined {
    return this.runtime.failure;
  }

  read(buf: Buffer, offset: number): AvroRecord | undefined {
    const runtime = this.runtime;
    if (runtime.remembering) {
      const end = this.scan(buf, offset) as number | undefined;
      // Invalid bytes: the full read below says why.
      if (end !== undefined) {
        const known = runtime.recall(buf);
        if (known !== undefined) {
          runtime.failure = undefined;
          runtime.end = end;
          return known;
        }
        const record = this.readFresh(buf, offset) as AvroRecord | undefined;
        // The scan walks exactly as the read does; the check keeps a disagreement from being remembered.
        return record === undefined || runtime.end !== end ? record : runtime.remember(buf, record);
      }
    }
    return this.readFresh(buf, offset) as AvroRecord | undefined;
  }
}

/**
 * A reader of `writer` bodies that returns the projection to `paths` (as avsc would through a
 * resolver to the projected schema), or undefined when the schema holds something it does not
 * generate (the caller then keeps avsc's resolver).
 */
export function compileProjectionReader(writer: avro.Type, paths: Iterable<string>): CompiledReader | undefined {
  if (writer.typeName !== 'record') return undefined;
  const generator = new Generator();
  const tree = pathTree(paths);
  let readBody: string;
  let scanBody: string;
  try {
    readBody = generator.read(writer, tree, 'record');
    scanBody = generator.scan(writer, tree);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const runtime = new ReaderRuntime(generator.stringFields, generator.spanSites);
  const compile = (source: string): Generated => new Function('H', 'K', `return ${source};`)(runtime, generator.constants) as Generated;
  const readFresh = compile(
    `function readProjection(buf, pos) {\nH.failure = undefined;\nlet record;\n${readBody}if (pos > buf.length) return undefined;\nH.end = pos;\nreturn record;\n}`,
  );
  const scan = compile(`function scanProjection(buf, pos) {\nH.startScan();\n${scanBody}return pos > buf.length ? undefined : pos;\n}`);
  return new ProjectionReader(runtime, readFresh, scan);
}
