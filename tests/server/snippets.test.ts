// Snippet HTML from the engine is rendered raw (it carries <mark> highlights), so only <mark> may pass.
import { describe, expect, it } from 'vitest';
import { safeSnippet } from '../../src/server/web/hit.js';
import { keyMatches } from '../../src/server/auth.js';

describe('safeSnippet', () => {
  it('keeps <mark> highlights and escaped text as they are', () => {
    expect(safeSnippet('a &lt;b&gt; <mark>few-shot</mark> c')).toBe('a &lt;b&gt; <mark>few-shot</mark> c');
  });
  it('neutralises any other tag', () => {
    expect(safeSnippet('<img src=x onerror=alert(1)><mark>x</mark></script>')).toBe('&lt;img src=x onerror=alert(1)><mark>x</mark>&lt;/script>');
  });
});

describe('keyMatches', () => {
  it('accepts only the exact key, whatever the lengths', () => {
    expect(keyMatches('s3cret', 's3cret')).toBe(true);
    expect(keyMatches('s3cre', 's3cret')).toBe(false);
    expect(keyMatches('s3cret-and-more', 's3cret')).toBe(false);
    expect(keyMatches('', 's3cret')).toBe(false);
  });
});
