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

// The package entry point ships inside dist/, so the tarball holds nothing but dist/, README, LICENSE, package.json.
function copyEntryPoint() {
	return src('index.js').pipe(dest('dist'));
}

exports['build:assets'] = series(copyIcons, copyCredentialIcons, copyCodex, copyEntryPoint);
