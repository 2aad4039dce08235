import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What users install: the package shape n8n and its verification scanner expect. Needs `npm run build` first. */
const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is a community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-authbridge');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.license).toBe('MIT');
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
	});

	it('lists only built files that exist', () => {
		const listed: string[] = [...pkg.n8n.credentials, ...pkg.n8n.nodes];
		expect(listed.length).toBeGreaterThan(0);
		for (const file of listed) {
			expect(file).toMatch(/^dist\/(credentials|nodes)\/.+\.(credentials|node)\.js$/);
			expect(existsSync(join(root, file))).toBe(true);
		}
	});
});

describe('end-to-end coverage', () => {
	it('every credential type and node of package.json is exercised by some real-n8n e2e test file', () => {
		const e2eDir = join(root, 'test', 'e2e');
		const e2eText = readdirSync(e2eDir)
			.filter((file) => file.endsWith('.e2e.test.ts'))
			.map((file) => readFileSync(join(e2eDir, file), 'utf8'))
			.join('\n');
		const credentialTypes = (pkg.n8n.credentials as string[]).map((file) => {
			const source = readFileSync(join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts')), 'utf8');
			return /\bname = '([^']+)'/.exec(source)?.[1];
		});
		expect(credentialTypes.every(Boolean)).toBe(true);
		expect(credentialTypes.filter((type) => !e2eText.includes(`'${type}'`))).toEqual([]);
	});
});

describe('npm pack', () => {
	it('contains only dist, README, LICENSE and package.json', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		const files: string[] = JSON.parse(output)[0].files.map((file: { path: string }) => file.path);
		const unexpected = files.filter((file) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(file));
		expect(unexpected).toEqual([]);
		expect(files).toContain('README.md');
		expect(files).toContain('LICENSE');
		expect(files.some((file) => file.startsWith('dist/nodes/shared/'))).toBe(true);
		// Test code, simulators and source maps of tests never ship.
		expect(files.some((file) => file.includes('test/') || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false);
	});
});
