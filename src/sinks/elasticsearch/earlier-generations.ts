// Knows a data stream's backing indices and finds documents by id in them, where a `create` conflict cannot see them.
import type { Client } from '@elastic/elasticsearch';

/** A document found in one backing index, with what a conditional write back to that index needs. */
export interface StoredDocument {
  readonly index: string;
  readonly seqNo: number;
  readonly primaryTerm: number;
  /** Only when asked for (`withSource`). */
  readonly source?: Record<string, unknown> | undefined;
}

/**
 * A bulk `create` returns 409 only when the id exists in the backing index it writes to. After a
 * rollover (lifecycle, ILM, or by hand) the write index is new, and an alert re-derived from a
 * redelivered record would be stored a second time. This class keeps the stream's backing indices
 * (refreshed every `maxAgeMs`, and at once when a write lands in an index it does not know) and
 * looks ids up in them: a realtime multi-get in the newest two, where a just-written document may
 * not be searchable yet, and an `ids` search over the stream for the older, settled ones.
 * While the stream has one backing index, which is the usual case, storedBefore costs no request.
 */
export class EarlierGenerations {
  private backing: string[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: Client,
    private readonly dataStream: string,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The write index as last seen; undefined before the stream exists. */
  get writeIndex(): string | undefined {
    return this.backing.at(-1);
  }

  async refresh(): Promise<void> {
    const resolved = await this.client.indices.resolveIndex({ name: this.dataStream, expand_wildcards: 'all' }, { ignore: [404] });
    const stream = resolved.data_streams?.find((candidate) => candidate.name === this.dataStream);
    // Backing index names end in a zero-padded generation, so a sort orders them oldest first.
    this.backing = [stream?.backing_indices ?? []].flat().sort(byGeneration);
    this.fetchedAt = this.now();
  }

  /** Also refreshes while no backing index is known: the stream may have been created since. */
  async refreshIfStale(): Promise<void> {
    if (this.backing.length === 0 || this.now() - this.fetchedAt >= this.maxAgeMs) await this.refresh();
  }

  /** True when `index` is not the write index we know of: a rollover happened since the last look. */
  isNewWriteIndex(index: string | undefined): boolean {
    return index !== undefined && index !== this.writeIndex;
  }

  /** Ids among `ids` already stored in a backing index older than `index` (default: the write index). */
  async storedBefore(ids: readonly string[], index: string | undefined = this.writeIndex): Promise<Set<string>> {
    const position = index === undefined ? -1 : this.backing.indexOf(index);
    const earlier = position < 0 ? [] : this.backing.slice(0, position);
    return new Set((await this.find(ids, earlier, false)).keys());
  }

  /** Where each of `ids` is stored in any known backing index, with its source, sequence number and primary term. */
  async locate(ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    return this.find(ids, this.backing, true);
  }

  /** Ids found among `indices` (oldest first): the newest two read in real time, the rest searched. */
  private async find(ids: readonly string[], indices: readonly string[], withSource: boolean): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    if (ids.length === 0 || indices.length === 0) return found;
    const recent = indices.slice(-2);
    await this.getRealtime(
      ids.flatMap((id) => recent.map((index) => ({ index, id }))),
      withSource,
      found,
    );
    const older = new Set(indices.slice(0, -2));
    const remaining = ids.filter((id) => !found.has(id));
    if (older.size === 0 || remaining.length === 0) return found;
    // The whole stream by name (a list of a year's backing indices would overflow the request line);
    // only hits in the indices asked about count.
    const result = await this.client.search({
      index: this.dataStream,
      query: { ids: { values: remaining } },
      _source: false,
      seq_no_primary_term: true,
      size: remaining.length * 2,
    });
    const located: { index: string; id: string }[] = [];
    for (const hit of result.hits.hits) {
      if (hit._id === undefined || !older.has(hit._index) || found.has(hit._id)) continue;
      if (!withSource) found.set(hit._id, { index: hit._index, seqNo: hit._seq_no ?? -1, primaryTerm: hit._primary_term ?? -1 });
      else located.push({ index: hit._index, id: hit._id });
    }
    // A search shows the last refreshed version; a conditional write needs the current one.
    if (located.length > 0) await this.getRealtime(located, true, found);
    return found;
  }

  private async getRealtime(
    docs: readonly { index: string; id: string }[],
    withSource: boolean,
    found: Map<string, StoredDocument>,
  ): Promise<void> {
    const fetched = await this.client.mget<Record<string, unknown>>({
      docs: docs.map(({ index, id }) => ({ _index: index, _id: id })),
      _source: withSource,
      realtime: true,
    });
    for (const doc of fetched.docs) {
      if (!('found' in doc) || !doc.found || found.has(doc._id)) continue;
      found.set(doc._id, {
        index: doc._index,
        seqNo: doc._seq_no ?? -1,
        primaryTerm: doc._primary_term ?? -1,
        source: withSource ? doc._source : undefined,
      });
    }
  }
}

/** `.ds-<name>-<date>-000012`: by the trailing generation number, then by name. */
function byGeneration(a: string, b: string): number {
  const generation = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  return generation(a) - generation(b) || a.localeCompare(b);
}
