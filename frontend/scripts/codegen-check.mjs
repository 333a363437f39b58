#!/usr/bin/env node
// Fails when src/gql/ is not what `npm run codegen` would generate from the current schema and
// documents: generates into a scratch directory and compares file by file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = join(root, 'src', 'gql');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-codegen-'));

function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  try {
    walk(dir);
  } catch {
    // a missing directory has no files
  }
  return out.sort();
}

try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.ts'],
    { cwd: root, env: { ...process.env, CODEGEN_OUT: `${scratch}/` }, stdio: 'inherit' },
  );
  const want = files(scratch);
  const have = files(committed);
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing: src/gql/${f}`);
    else if (readFileSync(join(scratch, f), 'utf8') !== readFileSync(join(committed, f), 'utf8')) {
      problems.push(`stale:   src/gql/${f}`);
    }
  }
  for (const f of have) if (!want.includes(f)) problems.push(`extra:   src/gql/${f}`);
  if (problems.length > 0) {
    console.error(`Generated GraphQL code is out of date:\n  ${problems.join('\n  ')}\nRun \`npm run codegen\` and commit src/gql/.`);
    process.exitCode = 1;
  } else {
    console.log(`src/gql/ is up to date (${want.length} files).`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
