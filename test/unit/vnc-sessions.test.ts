import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultViewerAssetDir } from '../../manager/src/viewer/viewer-assets.js';
import { VIEWER_HEADERS, VIEWER_HTML } from '../../manager/src/viewer/viewer-page.js';
import { ActivityTracker } from '../../manager/src/activity/activity-tracker.js';
import { VncSessions } from '../../manager/src/vnc/vnc-sessions.js';

describe('VncSessions', () => {
  it('hands out at most `limit` slots per instance and frees them once', () => {
    const sessions = new VncSessions();
    const a = sessions.tryAcquire('alice', 2);
    const b = sessions.tryAcquire('alice', 2);
    expect(sessions.tryAcquire('alice', 2)).toBeUndefined();
    expect(sessions.tryAcquire('bob', 2)).toBeDefined();
    a?.release();
    a?.release();
    expect(sessions.count('alice')).toBe(1);
    expect(sessions.tryAcquire('alice', 2)).toBeDefined();
    expect(sessions.tryAcquire('alice', 2)).toBeUndefined();
    b?.release();
    expect(sessions.list('alice')).toHaveLength(1);
  });
});

describe('ActivityTracker', () => {
  it('remembers the last touch per instance', () => {
    let now = 1000;
    const activity = new ActivityTracker({ now: () => now });
    expect(activity.lastActivity('alice')).toBeUndefined();
    activity.touch('alice');
    now = 4000;
    expect(activity.lastActivity('alice')?.getTime()).toBe(1000);
    expect(activity.idleMs('alice')).toBe(3000);
    activity.forget('alice');
    expect(activity.idleMs('alice')).toBeUndefined();
  });
});

describe('viewer page', () => {
  it('allows its own inline style by hash and nothing inline besides', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(VIEWER_HTML)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(VIEWER_HEADERS['Content-Security-Policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(VIEWER_HEADERS['Content-Security-Policy']).toContain("script-src 'self'");
    expect(VIEWER_HTML).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(VIEWER_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });

  it('finds the bundle from the sources and from the bundled manager', () => {
    const root = '/srv/app';
    expect(defaultViewerAssetDir(pathToFileURL(path.join(root, 'manager/src/viewer/viewer-assets.ts')).href)).toBe(path.join(root, 'manager/dist/viewer'));
    expect(defaultViewerAssetDir(pathToFileURL(path.join(root, 'manager/dist/main.js')).href)).toBe(path.join(root, 'manager/dist/viewer'));
  });
});
