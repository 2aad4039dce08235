// Loading our TypeScript sources against one n8n line's OWN libraries: n8n-workflow, n8n-core and
// @n8n/client-oauth2 come from that line's install (the e2e cache), never from this repo's devDependencies
// (which are 2.x). Everything required inside `load` (our nodes, credentials, shared layer, the harness)
// then constructs, wraps and checks errors with the classes that line really uses.
import type { N8nLine } from './lines';

const SHARED = ['n8n-workflow', 'n8n-core', '@n8n/client-oauth2'] as const;

/** Absolute path of a package as the line's n8n resolves it. */
export function resolveOnLine(line: N8nLine, id: string): string {
  return require.resolve(id, { paths: [line.dir] });
}

/**
 * Runs `load` in a fresh module registry in which `n8n-workflow`, `n8n-core` and `@n8n/client-oauth2`
 * are the line's copies (the same module instances the line's n8n-core uses internally).
 */
export function loadOnLine<T>(line: N8nLine, load: (lib: LineLibraries) => T): T {
  let result: T | undefined;
  jest.isolateModules(() => {
    const lib = Object.fromEntries(SHARED.map((id) => [id, require(resolveOnLine(line, id))])) as unknown as LineLibraries;
    for (const id of SHARED) jest.doMock(id, () => lib[id]);
    result = load(lib);
  });
  return result as T;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface LineLibraries {
  'n8n-workflow': any;
  'n8n-core': any;
  '@n8n/client-oauth2': any;
}
