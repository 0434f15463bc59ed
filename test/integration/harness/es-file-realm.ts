// Elasticsearch file-realm users and roles for a secured test node, made with the distribution's own tool.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../../src/package-root.js';

export interface FileRealmUser {
  name: string;
  password: string;
  roles: string[];
}

/*
 * Runs bin/elasticsearch-users against a scratch copy of the node's config folder (it hashes the
 * passwords with bcrypt, as the file realm expects), then keeps the three files the realm reads.
 */
const ADD_USERS = `
source "${packagePath('scripts', 'stack', 'lib.sh')}"
conf="$1"; shift
cp -a "$STACK_DIR/elasticsearch-$ELASTICSEARCH_VERSION/config/." "$conf/"
cp "$conf/../roles.yml" "$conf/roles.yml"
java_home="$(find_java_home)"
while (( $# )); do
  ES_JAVA_HOME="$java_home" ES_PATH_CONF="$conf" "$STACK_DIR/elasticsearch-$ELASTICSEARCH_VERSION/bin/elasticsearch-users" useradd "$1" -p "$2" -r "$3" >/dev/null
  shift 3
done
`;

/** Writes users, users_roles and roles.yml into `configDir` (for EDR_STACK_ES_EXTRA_CONFIG_DIR). */
export function writeFileRealm(configDir: string, users: readonly FileRealmUser[], rolesYaml: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'es-users-'));
  try {
    writeFileSync(join(scratch, 'roles.yml'), rolesYaml);
    const conf = join(scratch, 'config');
    execFileSync('mkdir', [conf]);
    execFileSync('bash', ['-c', ADD_USERS, 'add-users', conf, ...users.flatMap((u) => [u.name, u.password, u.roles.join(',')])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    for (const file of ['users', 'users_roles', 'roles.yml']) copyFileSync(join(conf, file), join(configDir, file));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
