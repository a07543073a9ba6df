/** The one typed error every model failure becomes, with the class the router acts on. */

export type ErrorClass =
  | 'rate_limit'        // 429
  | 'server'            // 500, 502, 503, 504
  | 'overloaded'        // 529 / provider says overloaded
  | 'timeout'           // no complete answer within the request timeout
  | 'ttft_timeout'      // no first token within the time-to-first-token timeout
  | 'network'           // connection refused / reset / DNS
  | 'context_window'    // prompt larger than the model's context window
  | 'auth'              // 401 / 403
  | 'invalid_request'   // other 4xx: the request itself is wrong
  | 'not_found'         // 404: unknown model or wrong base URL
  | 'malformed_response'// the provider sent something we cannot parse
  | 'stream_interrupted'// the stream broke after text was delivered
  | 'aborted'           // the caller cancelled
  | 'budget'            // the budget gate refused the call
  | 'circuit_open'      // the model is cooling down after repeated failures
  | 'config'            // missing key, unknown model, bad base URL
  | 'unknown';

export interface ModelErrorInit {
  kind: ErrorClass;
  message: string;
  status?: number;
  retryAfterMs?: number;
  provider?: string;
  model?: string;
  /** A short instruction that fixes it, e.g. "Run Switchyard: Set API Key". */
  fix?: string;
  /**
   * The origin (scheme://host:port) that accepted no connection at all — refused, unknown host, no
   * route — so nothing reached the server. Set by classifyError only for those network failures.
   */
  unreachableHost?: string;
  cause?: unknown;
}

export class ModelError extends Error {
  readonly kind: ErrorClass;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly provider?: string;
  readonly model?: string;
  readonly fix?: string;
  readonly unreachableHost?: string;

  constructor(init: ModelErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ModelError';
    this.kind = init.kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.provider = init.provider;
    this.model = init.model;
    this.fix = init.fix;
    this.unreachableHost = init.unreachableHost;
  }
}
