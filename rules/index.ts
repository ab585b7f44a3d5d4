// The registry: every rule, in the order `golint-leaks rules` lists them.
// Adding a rule means one file under rules/ and one line here.
import type { Rule } from '../src/engine/rule.js';
import chanSendLeak from './chan-send-leak.js';
import chanRecvLeak from './chan-recv-leak.js';
import recvNoTimeout from './recv-no-timeout.js';
import httpClientNoTimeout from './http-client-no-timeout.js';
import httpDefaultClient from './http-default-client.js';
import sshHandshakeNoDeadline from './ssh-handshake-no-deadline.js';
import syncLeak from './sync-leak.js';

export const RULES: readonly Rule[] = [
  chanSendLeak,
  chanRecvLeak,
  recvNoTimeout,
  httpClientNoTimeout,
  httpDefaultClient,
  sshHandshakeNoDeadline,
  syncLeak,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
