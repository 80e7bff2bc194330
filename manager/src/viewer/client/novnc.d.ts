// The part of noVNC's RFB API (docs/API.md of @novnc/novnc 1.7) the viewer uses; the package ships
// no types.
declare module '@novnc/novnc' {
  export interface RfbOptions {
    readonly shared?: boolean;
    readonly credentials?: { readonly username?: string; readonly password?: string; readonly target?: string };
    readonly wsProtocols?: readonly string[];
  }

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    scaleViewport: boolean;
    resizeSession: boolean;
    clipViewport: boolean;
    focusOnClick: boolean;
    viewOnly: boolean;
    background: string;
    readonly capabilities: { readonly power: boolean };
    focus(options?: FocusOptions): void;
    blur(): void;
    disconnect(): void;
    sendCredentials(credentials: { readonly password?: string }): void;
    sendCtrlAltDel(): void;
  }
}
