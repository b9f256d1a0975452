import sandboxImage from './sandbox-image.json';

/**
 * The sandbox base image: Debian bookworm (minbase) with python3, assembled offline by `npm run setup`
 * (docker/sandbox/build-offline.sh). Production pulls a pinned digest of docker/sandbox/Dockerfile instead.
 * The tag lives in sandbox-image.json, which setup (tools/lib/sandbox-image.mjs) reads too; bump it there when the
 * image's contents change so that setup rebuilds it.
 */
export const SANDBOX_IMAGE: string = sandboxImage.image;

/** Label put on every container the sandbox creates; the worker reaps leftovers carrying it at start. */
export const SANDBOX_LABEL = 'ai.omni.sandbox';

/**
 * Names the process that created a sandbox container, as `<hostname>/<pid>`. A worker reaps only containers whose
 * owner ran on its own host and is gone, so a restarting worker never kills a live sibling's (or a test's) calls.
 */
export const SANDBOX_OWNER_LABEL = 'ai.omni.sandbox.owner';
