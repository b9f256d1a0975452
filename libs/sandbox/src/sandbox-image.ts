/**
 * The sandbox base image: Debian bookworm (minbase) with python3, assembled offline by `npm run setup`
 * (docker/sandbox/build-offline.sh). Production pulls a pinned digest of docker/sandbox/Dockerfile instead.
 * Bump the tag when the image's contents change so that setup rebuilds it.
 */
export const SANDBOX_IMAGE = 'omniai/sandbox-python:bookworm-2';

/** Label put on every container the sandbox creates; the worker reaps leftovers carrying it at start. */
export const SANDBOX_LABEL = 'ai.omni.sandbox';

/**
 * Names the process that created a sandbox container, as `<hostname>/<pid>`. A worker reaps only containers whose
 * owner ran on its own host and is gone, so a restarting worker never kills a live sibling's (or a test's) calls.
 */
export const SANDBOX_OWNER_LABEL = 'ai.omni.sandbox.owner';
