// Which OpenClaw an instance of the local runtime runs, by its image tag: the tag new instances get
// runs OPENCLAW_BIN; with a versions directory, any other tag runs `<dir>/<tag>/bin/openclaw`, a
// directory laid out like one version of scripts/install-openclaw (bin/openclaw, the plugin seed
// plugins/ beside it), so an upgrade or a rollback really changes the binary. Without one, a tag is
// only recorded and every instance runs OPENCLAW_BIN.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { InvalidRequest } from '../../errors/http-error.js';

export class LocalVersions {
  constructor(
    private readonly openclawBin: string,
    private readonly defaultTag: string,
    private readonly versionsDir: string | undefined,
  ) {}

  binaryFor(imageTag: string | undefined): string {
    if (this.versionsDir === undefined || imageTag === undefined || imageTag === this.defaultTag) return this.openclawBin;
    return path.join(this.versionsDir, imageTag, 'bin', 'openclaw');
  }

  /** Refuses a tag with no binary here, before anything changes. */
  async assertAvailable(imageTag: string): Promise<void> {
    const binary = this.binaryFor(imageTag);
    if (binary === this.openclawBin) return;
    const found = await access(binary, constants.X_OK).then(() => true, () => false);
    if (!found) {
      throw new InvalidRequest(`imageTag: no OpenClaw for ${imageTag} on this machine (${binary} is not an executable)`, [
        { field: 'imageTag', message: `${binary} not found` },
      ]);
    }
  }
}
