// The ECS event shape the vendor mappings produce and the matcher and alert builder read.

/** A nested ECS document. Only fields a mapping actually set are present (never null/empty). */
export interface EcsEvent {
  '@timestamp'?: string;
  event?: {
    id?: string;
    kind?: string;
    category?: string[];
    type?: string[];
    action?: string | string[];
    outcome?: string;
    dataset?: string;
    module?: string;
    created?: string;
    ingested?: string;
  };
  host?: {
    id?: string;
    name?: string;
    hostname?: string;
    ip?: string[];
    os?: { type?: string; platform?: string; name?: string; family?: string; version?: string; kernel?: string };
  };
  user?: { id?: string; name?: string; domain?: string; group?: { id?: string; name?: string } };
  process?: EcsProcess & {
    parent?: EcsProcess;
    user?: { id?: string; name?: string };
  };
  observer?: { version?: string; vendor?: string; product?: string };
  agent?: { id?: string; type?: string; version?: string };
  [key: string]: unknown;
}

interface EcsProcess {
  name?: string;
  executable?: string;
  command_line?: string;
  args?: string[];
  args_count?: number;
  pid?: number;
  entity_id?: string;
  start?: string;
  end?: string;
  working_directory?: string;
  hash?: { md5?: string; sha1?: string; sha256?: string };
}
