// The error catalogue: every problem a document can have, with a stable code and one message template.
// Codes never change meaning; the UI pins them to the block path (and port) they name.

export const ERRORS = {
  E_JSON: 'the file is not valid JSON',
  E_SCHEMA: 'the document does not match the network format',
  E_VERSION: 'unsupported document version',
  E_DUPLICATE_ID: 'two blocks in the same container share an id',
  E_UNKNOWN_LAYER: 'no layer of this type exists in the catalogue',
  E_UNKNOWN_DEFINITION: 'no block definition has this name',
  E_RECURSIVE_DEFINITION: 'a block definition contains itself',
  E_MISSING_ARG: 'a required argument of a block definition is missing',
  E_UNKNOWN_ARG: 'an argument that the definition does not declare',
  E_ARG_TYPE: 'an argument has the wrong type or is out of range',
  E_PARAM_UNKNOWN: 'a layer parameter that the layer does not declare',
  E_PARAM_TYPE: 'a layer parameter has the wrong type',
  E_PARAM_RANGE: 'a layer parameter is out of range',
  E_UNKNOWN_NODE: 'an edge or reference names a block that does not exist here',
  E_CYCLE: 'the connections form a cycle',
  E_ARITY: 'the layer gets the wrong number of inputs',
  E_PORT_TAKEN: 'two edges feed the same input port',
  E_NO_OUTPUT: 'the graph block has no path from its input to its output',
  E_UNUSED_NODE: 'a block in the graph does not contribute to the output',
  E_SHAPE_MISMATCH: 'the inputs of a merge do not have compatible shapes',
  E_RANK: 'the layer expects an input of a different rank',
  E_SHAPE_TOO_SMALL: 'the input is smaller than the window',
  E_SHARE_TARGET: 'the layer to share parameters with does not exist',
  E_SHARE_TYPE: 'parameters can only be shared between layers of the same type',
  E_SHARE_SHAPE: 'shared parameters must have the same shape in both layers',
  E_SHARE_CHAIN: 'a layer cannot share with a layer that itself shares',
  E_APPLY_TARGET: 'the block to apply again does not exist or is not a layer',
  E_BAD_REGEX: 'an initializer pattern is not a valid regular expression',
  E_REPEAT: 'repeat must be a non-negative integer',
  E_TOO_DEEP: 'the document is nested too deeply',
  E_TOO_LARGE: 'the network expands to too many blocks',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** One problem in a document: `path` is the block path (ids joined by '/'; '' is the root), `port` the input port. */
export interface NetError {
  code: ErrorCode;
  path: string;
  port?: number;
  message: string;
}

/** Builds an error whose message starts with the catalogue text and adds the specifics. */
export function netError(code: ErrorCode, path: string, detail?: string, port?: number): NetError {
  const message = detail ? `${ERRORS[code]}: ${detail}` : ERRORS[code];
  return port === undefined ? { code, path, message } : { code, path, port, message };
}
