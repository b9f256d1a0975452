import { Policy } from '@omniai/contracts';
import { nonPublicEgressAddress } from '@omniai/tools';

/**
 * `PUT /v1/policy`'s body: the contract, plus what needs the address policy (D44, D58): an `egress_allow` IP
 * address tools could not reach is refused with its field (`egress_allow.<i>`, or `egress_allow.<i>.host` for the
 * object form), like a malformed entry: a non-public address without `allow_private`, and a metadata, unspecified,
 * multicast, broadcast or reserved address with it.
 */
export const PolicyBody = Policy.superRefine((policy, ctx) => {
  policy.egress_allow?.forEach((entry, i) => {
    const problem = nonPublicEgressAddress(entry);
    if (problem) ctx.addIssue({ code: 'custom', path: typeof entry === 'string' ? ['egress_allow', i] : ['egress_allow', i, 'host'], message: problem });
  });
});
