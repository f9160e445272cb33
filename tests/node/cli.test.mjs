// pe-cli's command line: usage, one-line errors that never echo control characters or
// whole huge values, switches, duplicates, and sentences from files or standard input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, root } from './engine-loader.mjs';

const oneLineError = (r, pattern) => {
  assert.equal(r.status, 2, `exit status 2, got ${r.status}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control characters reach the terminal');
};

test('no arguments: usage on stderr and exit 2; --help anywhere: usage on stdout and exit 0', () => {
  const none = cli();
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^usage: pe-cli/);
  for (const args of [['--help'], ['probe', '--help'], ['train', '--scheme', 'rope', '--help']]) {
    const r = cli(...args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /^usage: pe-cli/);
  }
});

test('errors are one escaped, shortened line', () => {
  oneLineError(cli('probe', '--sentence', 'a b', '--scheme', 'x\ny\u001b[31m'), /unknown scheme 'x\\ny\\x1b\[31m'/);
  const huge = 'z'.repeat(100000);
  const r = cli('probe', '--sentence', 'a b', '--scheme', huge);
  oneLineError(r, /bytes in all\)$/);
  assert.ok(r.stderr.length < 600, `shortened: ${r.stderr.length} bytes`);
});

test('switches take =true/=false; values may not be options; nothing is given twice', () => {
  const on = JSON.parse(cli('probe', '--sentence', 'a b', '--scheme', 'none', '--causal=1', '--json').stdout);
  const off = JSON.parse(cli('probe', '--sentence', 'a b', '--scheme', 'none', '--causal=false', '--json').stdout);
  assert.equal(on.causal, true);
  assert.equal(off.causal, false);
  oneLineError(cli('probe', '--sentence', 'a b', '--causal=maybe'), /--causal is a switch/);
  oneLineError(cli('probe', '--sentence', '--json'), /needs a value, not the option --json/);
  oneLineError(cli('probe', '--sentence', 'a b', '--dim', '8', '--dim', '16'), /--dim is given twice/);
  oneLineError(cli('probe', '--sentence', 'a b', '--scheme', 'rope', '--set', 'theta=2', '--set', 'theta=3'),
    /--set theta is given twice/);
  oneLineError(cli('probe', '--sentence', 'a b', '--compare', ''), /--compare is empty/);
  oneLineError(cli('table', 'shaw', '--len', '2147483647', '--dim', '2'), /\[1, 8192\]/);
});

test('sentences from a file or standard input give the same numbers as inline', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-cli-'));
  const file = path.join(dir, 's.txt');
  fs.writeFileSync(file, 'the dog chased the cat');
  const inline = cli('probe', '--sentence', 'the dog chased the cat', '--scheme', 'rope', '--json').stdout;
  assert.equal(cli('probe', '--sentence-file', file, '--scheme', 'rope', '--json').stdout, inline);
  const stdin = execFileSync(path.join(root, 'build/native/pe-cli'),
    ['probe', '--sentence-file', '-', '--scheme', 'rope', '--json'], { input: 'the dog chased the cat', encoding: 'utf8' });
  assert.equal(stdin, inline);
  oneLineError(cli('probe', '--sentence', 'a', '--sentence-file', file), /not both/);
  oneLineError(cli('probe', '--sentence-file', path.join(dir, 'missing.txt')), /cannot be read/);
});

test('training commands refuse bad input with exit 2 and one line', () => {
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'poems'), /unknown task 'poems'/);
  oneLineError(cli('train', '--scheme', 'nope', '--task', 'copy'), /unknown scheme 'nope'/);
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'copy', '--steps', '0'), /--steps 0 is out of range/);
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'copy', '--steps', '-5'), /--steps -5 is out of range/);
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'copy', '--len', '100000'), /--len 100000 is out of range/);
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'copy', '--eval-lens', '64,99999'), /eval-lens 99999/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-cli-'));
  const bad = path.join(dir, 'bad.txt');
  fs.writeFileSync(bad, Buffer.from([0x63, 0x61, 0x66, 0xc3]));
  oneLineError(cli('train', '--scheme', 'rope', '--task', 'text', '--text', bad, '--steps', '1'), /UTF-8/);
  const model = path.join(dir, 'm.safetensors');
  fs.writeFileSync(model, Buffer.from('not a checkpoint at all'));
  const batch = path.join(dir, 'b.json');
  fs.writeFileSync(batch, '{"tokens": [[1, 2]], "targets": [[2, -1]]}');
  oneLineError(cli('loss', '--model', model, '--batch', batch), /m\.safetensors/);
  oneLineError(cli('loss', '--model', path.join(dir, 'none.safetensors'), '--batch', batch), /cannot read/);
  fs.writeFileSync(model, fs.readFileSync(model).subarray(0, 3));
  oneLineError(cli('probe', '--model', model, '--sentence', 'a'), /m\.safetensors/);
});

test('an oversized table is refused before it is built (under a 300 MB memory cap)', () => {
  // Before: Shaw built its (8192, 8192) index first (529 MB peak) and was refused after.
  const pe = path.join(root, 'build/native/pe-cli');
  const r = (() => {
    try {
      return { status: 0, stderr: execFileSync('bash', ['-c', `ulimit -v 300000; "${pe}" table shaw --len 8192 --dim 2`],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      return { status: e.status, stderr: e.stderr };
    }
  })();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /shaw: a table of 8192 positions holds \d+ values, past the limit/);
});
