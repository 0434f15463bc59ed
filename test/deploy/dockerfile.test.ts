// The container image without a Docker engine: hadolint, the Dockerfile's promises checked one by one, and
// the runtime stage's file layout rebuilt in a temp folder and started, so a missing file or dependency shows.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, readRepoFile, repoPath, REPO_ROOT, runTool, tempDir } from './repo-tools.js';

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

// Joins continuation lines and drops comments; enough for a Dockerfile without heredocs.
function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', , name = ''] = instruction.args.split(' ');
      stages.push({ from, name, instructions: [] });
    } else if (stages.length === 0) globalArgs.push(instruction);
    else stages.at(-1)!.instructions.push(instruction);
  }
  return { globalArgs, stages };
}

const dockerfile = readRepoFile('Dockerfile');
const { globalArgs, stages } = parseDockerfile(dockerfile);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
};
const runtime = stages.at(-1)!;
const of = (s: Stage, keyword: string): string[] => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const packageJson = JSON.parse(readRepoFile('package.json')) as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const packageLock = JSON.parse(readRepoFile('package-lock.json')) as {
  packages: Record<string, { version?: string; dev?: boolean }>;
};

describe('hadolint', () => {
  it('finds nothing in the Dockerfile, at any level down to style', () => {
    const result = runTool('hadolint', ['--config', 'deploy/hadolint.yaml', '--no-color', 'Dockerfile']);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('is not a no-op: an unpinned base image and an unlabelled stage fail', () => {
    const broken = dockerfile.replace(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS runtime$/m, 'FROM node:latest AS runtime');
    expect(broken).not.toBe(dockerfile);
    const result = runTool('hadolint', ['--config', 'deploy/hadolint.yaml', '--no-color', '-'], broken);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('DL3007');
  });
});

describe('Dockerfile', () => {
  it('builds on a pinned Node 24 slim image, the release package.json pins for development', () => {
    const nodeVersion = /^NODE_VERSION=(\S+)$/.exec(globalArgs.find((a) => a.keyword === 'ARG')?.args ?? '')?.[1];
    expect(nodeVersion).toMatch(/^24\.\d+\.\d+$/);
    expect(nodeVersion).toBe(packageLock.packages['node_modules/node']?.version);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toBe('node:${NODE_VERSION}-bookworm-slim');
  });

  it('compiles in a build stage with the full dependency tree', () => {
    const runs = of(stage('build'), 'RUN');
    const install = runs.findIndex((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'));
    const build = runs.findIndex((r) => r.includes('npm run build'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(install);
  });

  it('ships only production dependencies, compiled output, schemas, rules, exceptions and package.json', () => {
    const prodInstall = stages.flatMap((s) => of(s, 'RUN')).find((r) => r.includes('npm ci --omit=dev'));
    expect(prodInstall).toBeDefined();
    expect(of(runtime, 'RUN')).toEqual([]);
    const copies = of(runtime, 'COPY').map((args) => args.split(' '));
    const destinations = copies.map((parts) => parts.at(-1));
    expect(destinations).toEqual(['/usr/bin/tini', './node_modules', './dist/src', './', './schemas', './rules', './exceptions', './bin']);
    expect(copies.find((parts) => parts.at(-1) === './node_modules')?.[0]).toBe('--from=deps');
    expect(copies.find((parts) => parts.at(-1) === './dist/src')).toEqual(['--from=build', '/app/dist/src', './dist/src']);
    expect(copies.find((parts) => parts.at(-1) === './')).toEqual(['package.json', './']);
  });

  it('runs as a non-root user, under tini, with the service as its command', () => {
    const user = of(runtime, 'USER').at(-1) ?? 'root';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(of(runtime, 'ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(of(runtime, 'CMD')).toEqual(['["sh", "bin/start.sh"]']);
    // npm start runs the same launcher, so the image and a local start use the same memory settings
    expect(packageJson.scripts.start).toBe('sh bin/start.sh');
    expect(of(runtime, 'EXPOSE')).toEqual(['9464']);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends tini=/);
  });

  it('carries OCI labels that agree with package.json', () => {
    const labels = of(runtime, 'LABEL').join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created', 'source']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
    expect(labels).toContain(`org.opencontainers.image.licenses="${packageJson.license}"`);
    expect(of(runtime, 'ARG')).toContain(`VERSION=${packageJson.version}`);
  });

  it('sends the daemon only what it copies (.dockerignore is an allowlist)', () => {
    const ignore = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = new Set(ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1)));
    const sources = stages
      .flatMap((s) => of(s, 'COPY'))
      .map((args) => args.split(' '))
      .filter((parts) => !parts[0]!.startsWith('--from'))
      .flatMap((parts) => parts.slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(allowed, `.dockerignore must let ${source} through`).toContain(source.replace(/\/$/, ''));
      expect(existsSync(repoPath(source)), `${source} exists`).toBe(true);
    }
    for (const secretish of ['.stack', 'node_modules', 'dist', '.git', 'test']) expect(allowed).not.toContain(secretish);
  });
});

// What the build stage compiles is src/ alone: an import out of it, or of a devDependency, would build here
// and break the image.
describe('what the image needs from src/', () => {
  const sources = listTypeScript(repoPath('src'));

  it('src/ imports nothing from outside src/', () => {
    const escaping: string[] = [];
    for (const file of sources) {
      for (const specifier of runtimeImports(readRepoFile(relative(REPO_ROOT, file)))) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(repoPath('src'))) escaping.push(`${relative(REPO_ROOT, file)} -> ${specifier}`);
      }
    }
    expect(escaping).toEqual([]);
  });

  it('every package src/ loads at run time is a production dependency', () => {
    const packages = new Set<string>();
    for (const file of sources) {
      for (const specifier of runtimeImports(readRepoFile(relative(REPO_ROOT, file)))) {
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    expect(packages.size).toBeGreaterThan(0);
    expect([...packages].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
  });

  it('the runtime layout starts: config, bundled rules and every module load from /app alone', async () => {
    const app = tempDir('edr-image-');
    const buildOutput = join(app, '.build');
    // The build stage has only src/ next to the tsconfigs, so compile src/ alone, as it does.
    const tsconfig = join(app, 'tsconfig.image.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: repoPath('tsconfig.build.json'),
        compilerOptions: { outDir: buildOutput, typeRoots: [repoPath('node_modules', '@types')] },
        include: [repoPath('src')],
      }),
    );
    const built = runTool(repoPath('node_modules', '.bin', 'tsc'), ['-p', tsconfig]);
    expect(built.status, built.stdout).toBe(0);
    // Replays the runtime stage's COPY lines into the temp folder, which stands for its WORKDIR.
    expect(of(runtime, 'WORKDIR')).toEqual(['/app']);
    for (const parts of of(runtime, 'COPY').map((args) => args.split(' '))) {
      const destination = join(app, parts.at(-1)!);
      const [first, ...rest] = parts.slice(0, -1);
      if (first === '--from=deps' && rest[0] === '/app/node_modules') copyProductionModules(destination);
      else if (first === '--from=build' && rest[0]!.startsWith('/app/dist/')) {
        cpSync(join(buildOutput, rest[0]!.slice('/app/dist/'.length)), destination, { recursive: true });
      } else if (first === '--from=build')
        continue; // tini, a binary from Debian
      else {
        const target = parts.at(-1)!.endsWith('/') ? join(destination, first!) : destination;
        cpSync(repoPath(first!), target, { recursive: true });
      }
    }
    rmSync(buildOutput, { recursive: true });
    rmSync(tsconfig);
    // Started the way the image's CMD starts it: the launcher finds `node` on PATH, as in the image.
    const output = await runUntil(
      'sh',
      ['bin/start.sh'],
      app,
      // Nothing listens on port 1: the service gets past config and rules, then fails to reach Kafka.
      {
        KAFKA_BROKERS: '127.0.0.1:1',
        ELASTICSEARCH_URL: 'http://127.0.0.1:1',
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      },
      /"starting"/,
      30_000,
    );
    expect(output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(output).toMatch(/"starting"/);
    // The bundled rule and exception list, read from the image's own rules/ and exceptions/.
    expect(output).toMatch(/"rules":\{"loaded":1,"refused":0/);
    expect(output).toMatch(/"exceptionLists":1/);
  });
});

// What `npm ci --omit=dev` installs: every lockfile package not marked dev (absent optional ones skipped).
function copyProductionModules(destination: string): void {
  for (const [path, entry] of Object.entries(packageLock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || !existsSync(repoPath(path))) continue;
    cpSync(repoPath(path), join(destination, path.slice('node_modules/'.length)), { recursive: true });
  }
}

function listTypeScript(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

// Module specifiers that survive compilation: `import type` and `export type` are erased.
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) specifiers.push(match[1]!);
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

// Runs a command until its output matches `until` (then stops it) or it exits; resolves with the output.
function runUntil(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  until: RegExp,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const finish = (): void => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolvePromise(output);
    };
    const timer = setTimeout(finish, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (until.test(output)) finish();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', finish);
  });
}
