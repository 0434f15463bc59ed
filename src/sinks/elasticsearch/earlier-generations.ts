// Finds alerts stored in a data stream's earlier backing indices, where a `create` conflict cannot see them.
import type { Client } from '@elastic/elasticsearch';

/**
 * A bulk `create` returns 409 only when the id exists in the backing index it writes to. After a
 * rollover (lifecycle, ILM, or by hand) the write index is new, and an alert re-derived from a
 * redelivered record would be stored a second time. This class keeps the stream's backing indices
 * (refreshed every `maxAgeMs`, and at once when a write lands in an index it does not know) and
 * looks ids up in the indices before a given one: a realtime multi-get in the newest of them, where
 * a just-written alert may not be searchable yet, and an `ids` search over the stream for the older,
 * settled ones.
 * While the stream has one backing index, which is the usual case, it costs no request at all.
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

  async refreshIfStale(): Promise<void> {
    if (this.now() - this.fetchedAt >= this.maxAgeMs) await this.refresh();
  }

  /** True when `index` is not the write index we know of: a rollover happened since the last look. */
  isNewWriteIndex(index: string | undefined): boolean {
    return index !== undefined && index !== this.writeIndex;
  }

  /** Ids among `ids` already stored in a backing index older than `index` (default: the write index). */
  async storedBefore(ids: readonly string[], index: string | undefined = this.writeIndex): Promise<Set<string>> {
    const found = new Set<string>();
    const position = index === undefined ? -1 : this.backing.indexOf(index);
    const earlier = position < 0 ? [] : this.backing.slice(0, position);
    if (ids.length === 0 || earlier.length === 0) return found;
    const newest = earlier.at(-1) as string;
    const fetched = await this.client.mget({ docs: ids.map((id) => ({ _index: newest, _id: id })), _source: false });
    for (const doc of fetched.docs) if ('found' in doc && doc.found) found.add(doc._id);
    const remaining = ids.filter((id) => !found.has(id));
    if (earlier.length > 1 && remaining.length > 0) {
      // The whole stream by name (a list of a year's backing indices would overflow the request
      // line); hits in `index` itself, where the copy being checked may live, do not count.
      const result = await this.client.search({
        index: this.dataStream,
        query: { ids: { values: remaining } },
        _source: false,
        size: remaining.length * 2,
      });
      for (const hit of result.hits.hits) if (hit._id !== undefined && hit._index !== index) found.add(hit._id);
    }
    return found;
  }
}

/** `.ds-<name>-<date>-000012`: by the trailing generation number, then by name. */
export function byGeneration(a: string, b: string): number {
  const generation = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  return generation(a) - generation(b) || a.localeCompare(b);
}
