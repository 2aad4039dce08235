// Copies what tsc does not: node/credential icons and codex files, into dist beside the compiled classes.
const path = require('path');
const { src, dest, series } = require('gulp');

function copyIcons() {
	const nodeIcons = src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
	return nodeIcons;
}

function copyCredentialIcons() {
	return src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest(path.resolve('dist', 'icons')));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:assets'] = series(copyIcons, copyCredentialIcons, copyCodex);
