// The desktop window's security decisions under plain Node: where the renderer comes from, which
// URLs and IPC callers are the app's own, and what app:// serves (real files in a temp folder).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, appProtocolResponse, CONTENT_SECURITY_POLICY, isAppUrl, isTrustedIpcSender, originOf, rendererSource } from '../../src/main/desktop-security';
import { tempDir } from '../helpers/temp-dir';

const built = rendererSource(false, undefined);

describe('rendererSource', () => {
  it('loads app://vitalscope/index.html in a built app, whatever ELECTRON_RENDERER_URL says', () => {
    expect(built).toMatchObject({ url: 'app://vitalscope/index.html', origin: APP_ORIGIN, dev: false, policy: CONTENT_SECURITY_POLICY });
    for (const url of ['http://localhost:5173/', 'https://evil.example/', 'file:///etc/passwd']) expect(rendererSource(false, url)).toEqual(built);
  });

  it('takes the dev server only in a development build and only on loopback http', () => {
    const dev = rendererSource(true, 'http://localhost:5173/');
    expect(dev).toMatchObject({ url: 'http://localhost:5173/', origin: 'http://localhost:5173', dev: true });
    expect(dev.policy).toContain("'unsafe-inline'");
    expect(rendererSource(true, 'http://127.0.0.1:5173').dev).toBe(true);
    for (const url of [undefined, '', 'https://evil.example/', 'http://localhost.evil.example:5173/', 'file:///tmp/index.html', 'javascript:alert(1)', 'not a url']) {
      expect(rendererSource(true, url), String(url)).toEqual(built);
    }
  });

  it('keeps frames out in both policies and any socket out of the built one', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/ws:|unsafe-inline'; *$|script-src[^;]*unsafe/);
    expect(rendererSource(true, 'http://localhost:5173').policy).toContain("frame-ancestors 'none'");
  });
});

describe('isAppUrl and originOf', () => {
  it('accepts the app origin only', () => {
    for (const url of ['app://vitalscope/index.html', 'app://vitalscope/assets/x.js', 'app://vitalscope/#/review']) expect(isAppUrl(url, built), url).toBe(true);
    for (const url of ['app://vitalscope.evil/index.html', 'app://evil/', 'https://vitalscope/', 'file:///index.html', 'about:blank', 'javascript:1', '', 'app:vitalscope']) {
      expect(isAppUrl(url, built), url).toBe(false);
    }
    expect(originOf('app://vitalscope/a/b')).toBe('app://vitalscope');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('about:blank')).toBeNull();
  });

  it('in dev, trusts the dev server origin and not the app scheme', () => {
    const dev = rendererSource(true, 'http://localhost:5173/');
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('app://vitalscope/index.html', dev)).toBe(false);
  });
});

describe('isTrustedIpcSender', () => {
  const page = { url: 'app://vitalscope/index.html', isMainFrame: true };
  it('trusts the app window main frame on an app page', () => {
    expect(isTrustedIpcSender({ fromAppWindow: true, frame: page }, built)).toBe(true);
  });
  it.each([
    ['another web contents', { fromAppWindow: false, frame: page }],
    ['a subframe', { fromAppWindow: true, frame: { ...page, isMainFrame: false } }],
    ['a frame that is gone', { fromAppWindow: true, frame: null }],
    ['a foreign page', { fromAppWindow: true, frame: { url: 'https://evil.example/', isMainFrame: true } }],
    ['a file page', { fromAppWindow: true, frame: { url: 'file:///tmp/x.html', isMainFrame: true } }],
  ])('refuses %s', (_name, sender) => {
    expect(isTrustedIpcSender(sender, built)).toBe(false);
  });
});

describe('appProtocolResponse', () => {
  const dir = tempDir('app-protocol');
  const rendererDir = join(dir.path, 'renderer');
  beforeAll(() => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {}');
    writeFileSync(join(dir.path, 'secret.txt'), 'secret');
  });
  afterAll(() => dir.cleanup());

  it('serves the renderer files with the policy and their content type', async () => {
    const page = await appProtocolResponse(rendererDir, 'app://vitalscope/index.html');
    expect(page.status).toBe(200);
    expect(Buffer.from(page.body).toString()).toContain('<title>app</title>');
    expect(page.headers['Content-Type']).toMatch(/text\/html/);
    expect(page.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await appProtocolResponse(rendererDir, 'app://vitalscope/')).status).toBe(200);
    const script = await appProtocolResponse(rendererDir, 'app://vitalscope/assets/app.js?v=1');
    expect(script.headers['Content-Type']).toMatch(/javascript/);
  });

  it.each([
    ['app://vitalscope/..%2fsecret.txt', 400],
    ['app://vitalscope/assets/..%2f..%2fsecret.txt', 400],
    ['app://vitalscope/assets/..%5c..%5csecret.txt', 400],
    ['app://vitalscope/%zz', 400],
    ['app://vitalscope/../secret.txt', 404],
    ['app://other/index.html', 404],
    ['app://vitalscope/missing.js', 404],
    ['app://vitalscope/assets/', 404],
  ])('refuses %s with %d, policy included', async (url, status) => {
    const response = await appProtocolResponse(rendererDir, url);
    expect(response.status).toBe(status);
    expect(String(response.body)).not.toContain('secret');
    expect(response.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});
