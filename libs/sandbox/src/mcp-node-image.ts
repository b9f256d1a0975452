import mcpNodeImage from './mcp-node-image.json';

/**
 * The image stdio MCP servers run in when the admin names none (D59): the sandbox base (python3 for the
 * egress relay) plus Node 24 and the pinned servers below, installed under {@link MCP_NODE_PREFIX}. `npm run setup`
 * builds it offline (docker/mcp-node/build-offline.sh); the tag lives in mcp-node-image.json, which setup reads too.
 * Bump the tag there when the packages change so that setup rebuilds it.
 */
export const MCP_NODE_IMAGE: string = mcpNodeImage.image;

/** The npm prefix inside the image: packages under `<prefix>/node_modules`, their commands on PATH via `.bin`. */
export const MCP_NODE_PREFIX: string = mcpNodeImage.prefix;

/** `name@version` of every package installed in the image. */
export const MCP_NODE_PACKAGES: readonly string[] = mcpNodeImage.packages;
