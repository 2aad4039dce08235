/**
 * A small YAML reader for Fatture in Cloud's OpenAPI file (dev-time only; the package has no runtime
 * dependencies and the generators none either). It reads the block style that file uses: mappings,
 * sequences (also "- key: value" items), plain / single- / double-quoted scalars (also over several
 * lines), folded (>) and literal (|) block scalars with chomping, and the empty flow forms {} and [].
 * Anchors, tags and non-empty flow collections are refused with the line number, never guessed.
 */

const INTEGER = /^[-+]?(0|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function plainScalar(text) {
	if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
	if (/^(true|True|TRUE)$/.test(text)) return true;
	if (/^(false|False|FALSE)$/.test(text)) return false;
	if (INTEGER.test(text)) return Number(text);
	if (FLOAT.test(text) && /[0-9]/.test(text)) return Number(text);
	if (text === '{}') return {};
	if (text === '[]') return [];
	return text;
}

const ESCAPES = { '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };

/** The body of a double-quoted scalar: YAML escapes (\xHH, \uHHHH, \UHHHHHHHH and the short ones). */
function unescapeDouble(body) {
	return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, code) => {
		if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
		if (!(code in ESCAPES)) throw new Error(`unknown escape \\${code}`);
		return ESCAPES[code];
	});
}

export function parseYaml(source) {
	const raw = source.replace(/\r\n?/g, '\n').split('\n');
	let i = 0;
	const indentOf = (line) => line.length - line.trimStart().length;
	const isBlank = (line) => line.trim() === '' || line.trimStart().startsWith('#');
	const skipBlank = () => {
		while (i < raw.length && isBlank(raw[i])) i++;
	};
	const fail = (message, at = i) => {
		throw new Error(`YAML line ${at + 1}: ${message}: ${raw[at] ?? ''}`);
	};

	/** Where a "key: value" splits, or -1: the first ": " or a trailing ":", outside quotes. */
	const keyEnd = (text) => {
		if (text.startsWith("'") || text.startsWith('"')) {
			const quote = text[0];
			let j = 1;
			while (j < text.length) {
				if (text[j] === quote) {
					if (quote === "'" && text[j + 1] === "'") {
						j += 2;
						continue;
					}
					break;
				}
				if (quote === '"' && text[j] === '\\') j++;
				j++;
			}
			return text[j + 1] === ':' && (text.length === j + 2 || text[j + 2] === ' ') ? j + 1 : -1;
		}
		const spaced = text.indexOf(': ');
		if (spaced >= 0) return spaced;
		return text.endsWith(':') ? text.length - 1 : -1;
	};
	const keyOf = (text) => {
		if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
		if (text.startsWith('"')) return JSON.parse(text);
		return text;
	};

	/** A scalar that starts on line `i` after `text` (already cut from the line); may continue on deeper lines. */
	const inlineScalar = (text, parentIndent) => {
		if (/^[&*!]/.test(text)) fail('anchors, aliases and tags are not read');
		if (/^[[{]/.test(text) && text !== '[]' && text !== '{}') fail('flow collections are not read');
		const continuation = () => {
			const parts = [];
			while (i + 1 < raw.length && (raw[i + 1].trim() === '' || indentOf(raw[i + 1]) > parentIndent)) {
				i++;
				parts.push(raw[i].trim());
			}
			while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
			return parts;
		};
		if (text.startsWith("'") || text.startsWith('"')) {
			const quote = text[0];
			let all = text;
			const closed = (value) => {
				if (quote === "'") return /^'(?:[^']|'')*'$/.test(value);
				return /^"(?:[^"\\]|\\.)*"$/.test(value);
			};
			while (!closed(all)) {
				if (i + 1 >= raw.length) fail('unterminated quoted scalar');
				i++;
				const next = raw[i].trim();
				all += next === '' ? '\n' : all.endsWith('\n') ? next : ` ${next}`;
			}
			if (quote === "'") return all.slice(1, -1).replace(/''/g, "'");
			return unescapeDouble(all.slice(1, -1));
		}
		const parts = [text, ...continuation()];
		if (parts.length === 1) return plainScalar(text);
		let out = '';
		for (const part of parts) out += part === '' ? '\n' : out === '' || out.endsWith('\n') ? part : ` ${part}`;
		return out;
	};

	const blockScalar = (header, parentIndent) => {
		const folded = header.startsWith('>');
		const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
		const lines = [];
		let blockIndent;
		while (i + 1 < raw.length && (raw[i + 1].trim() === '' || indentOf(raw[i + 1]) > parentIndent)) {
			i++;
			const line = raw[i];
			if (line.trim() === '') {
				lines.push('');
				continue;
			}
			blockIndent = blockIndent ?? indentOf(line);
			lines.push(line.slice(blockIndent));
		}
		let trailing = 0;
		while (lines.length > 0 && lines[lines.length - 1] === '') {
			lines.pop();
			trailing++;
		}
		let text;
		if (folded) {
			text = '';
			for (let k = 0; k < lines.length; k++) {
				const line = lines[k];
				if (k === 0) text = line;
				else if (line === '') text += '\n';
				else if (lines[k - 1] === '' || /^\s/.test(line) || /^\s/.test(lines[k - 1])) text += text.endsWith('\n') ? line : `\n${line}`;
				else text += ` ${line}`;
			}
		} else {
			text = lines.join('\n');
		}
		if (chomp === 'strip' || lines.length === 0) return text;
		return chomp === 'keep' ? text + '\n'.repeat(trailing + 1) : `${text}\n`;
	};

	/** The value after "key:" (or "- ") on line i, whose owner sits at `indent`. */
	const valueAfter = (rest, indent, sequenceOwner) => {
		if (rest === '' || rest.startsWith('#')) {
			const at = i;
			i++;
			skipBlank();
			if (i >= raw.length) return null;
			const next = indentOf(raw[i]);
			if (next > indent) return node(next);
			if (next === indent && !sequenceOwner && raw[i].trimStart().startsWith('- ')) return node(next);
			void at;
			return null;
		}
		if (/^[>|][-+]?$/.test(rest)) {
			const value = blockScalar(rest, indent);
			i++;
			return value;
		}
		const value = inlineScalar(/^['"]/.test(rest) ? rest : rest.replace(/\s+#.*$/, ''), indent);
		i++;
		return value;
	};

	const sequence = (indent) => {
		const out = [];
		while (i < raw.length) {
			skipBlank();
			if (i >= raw.length) break;
			const line = raw[i];
			const text = line.trimStart();
			if (indentOf(line) !== indent || !(text === '-' || text.startsWith('- '))) break;
			const rest = text === '-' ? '' : text.slice(2).trimStart();
			const itemIndent = indent + (text.length - rest.length);
			if (rest !== '' && keyEnd(rest) > 0) {
				// "- key: value": a mapping whose first key sits on the dash line.
				raw[i] = ' '.repeat(itemIndent) + rest;
				out.push(mapping(itemIndent));
			} else {
				out.push(valueAfter(rest, indent, true));
			}
		}
		return out;
	};

	const mapping = (indent) => {
		const out = {};
		while (i < raw.length) {
			skipBlank();
			if (i >= raw.length) break;
			const line = raw[i];
			const here = indentOf(line);
			if (here < indent) break;
			if (here > indent) fail('unexpected indentation');
			const text = line.trim();
			if (text.startsWith('- ')) break;
			const end = keyEnd(text);
			if (end < 0) fail('expected "key: value"');
			const key = keyOf(text.slice(0, end).trim());
			if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate key ${key}`);
			out[key] = valueAfter(text.slice(end + 1).trim(), indent, false);
		}
		return out;
	};

	const node = (indent) => {
		skipBlank();
		const text = raw[i].trimStart();
		return text === '-' || text.startsWith('- ') ? sequence(indent) : mapping(indent);
	};

	skipBlank();
	const document = node(indentOf(raw[i]));
	skipBlank();
	if (i < raw.length) fail('content after the document');
	return document;
}
