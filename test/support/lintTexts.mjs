// Lints texts under given file names with the project's ESLint configuration; reads
// [{filePath, source}] as JSON on stdin, prints [{filePath, messages}] as JSON. A separate process,
// because ESLint loads its flat config with a dynamic import that jest's module sandbox refuses.
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const entries = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { filePath, source } of entries) {
	const [result] = await eslint.lintText(source, { filePath });
	out.push({ filePath, messages: result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })) });
}
process.stdout.write(JSON.stringify(out));
