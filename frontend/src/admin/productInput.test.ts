import { describe, expect, it } from 'vitest';
import { checkInput, EMPTY, imageUrlError, InvalidInput } from './productInput';

describe('imageUrlError (the API rule: empty, /path or http(s) URL)', () => {
  it.each(['', '   ', '/images/clavier.svg', 'https://cdn.example/a.webp', 'http://x.test/b.png'])(
    'accepts %j',
    (url) => expect(imageUrlError(url)).toBeUndefined(),
  );

  it.each([
    'images/clavier.svg',
    'ftp://x.test/a.png',
    'javascript:alert(1)',
    'data:image/svg+xml,<svg/>',
    'HTTPS://X.TEST/A.PNG',
    '//evil.example/a.png',
  ])('refuses %j: neither a path nor an http(s) URL', (url) =>
    expect(imageUrlError(url)).toMatch(/^doit être un chemin du site commençant par « \/ »/),
  );

  it.each(['/images/mon clavier.png', '/a"b.png', "/a'b.png", '/<b>.png', '/a\\b.png'])(
    'refuses %j: a forbidden character',
    (url) => expect(imageUrlError(url)).toMatch(/^ne doit contenir ni espace/),
  );

  it('counts characters, not bytes, up to 500', () => {
    expect(imageUrlError(`/${'é'.repeat(499)}`)).toBeUndefined();
    expect(imageUrlError(`/${'é'.repeat(500)}`)).toBe('ne doit pas dépasser 500 caractères');
  });

  it('checkInput throws the field errors', () => {
    expect(() => checkInput({ ...EMPTY, image_url: '/ok.png' })).not.toThrow();
    expect(() => checkInput({ ...EMPTY, image_url: 'ko.png' })).toThrow(InvalidInput);
  });
});
