// Expected failures of the post-renderer. The CLI prints their message as one line and exits 1.

/** Base class: a failure caused by the input or the arguments, not by a bug. */
export class PostRenderError extends Error {
  override readonly name: string = 'PostRenderError';
}

/** An argument given with --post-renderer-args is unknown or malformed. */
export class InvalidArgument extends PostRenderError {
  override readonly name = 'InvalidArgument';
}

/** A YAML document on stdin cannot be parsed, or is not a mapping. */
export class ManifestParseFailed extends PostRenderError {
  override readonly name = 'ManifestParseFailed';
  constructor(
    readonly documentIndex: number,
    detail: string,
  ) {
    super(`document ${documentIndex}: ${detail}`);
  }
}

/** stdin held no object at all; Helm would fail on the empty output anyway, so say why here. */
export class EmptyManifest extends PostRenderError {
  override readonly name = 'EmptyManifest';
  constructor() {
    super('no Kubernetes object on stdin (empty render)');
  }
}

/** A label or annotation from the arguments would overwrite a different value set by the chart. */
export class DecorationConflict extends PostRenderError {
  override readonly name = 'DecorationConflict';
}
